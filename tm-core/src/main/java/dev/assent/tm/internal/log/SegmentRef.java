package dev.assent.tm.internal.log;

import java.nio.file.Path;

/** A segment file of the log: its number, where it is, and the sequence of its first record. */
record SegmentRef(long number, Path path, long firstSequence) {}
