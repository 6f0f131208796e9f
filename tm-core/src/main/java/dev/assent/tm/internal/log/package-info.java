/**
 * The durable transaction log: segment files of self-checking records, one writer thread with
 * group commit, torn-tail repair and corruption refusal at start-up ({@code FileTransactionLog}
 * describes the format), and the in-memory log for tests and benchmarks. Internal: not part of
 * Assent's API; the record format is frozen (CONTRIBUTING.md rule 2).
 */
package dev.assent.tm.internal.log;
