/**
 * Recovery: what is still owed after a failure or a crash ({@code RecoveryLedger}, seeded from the
 * log), and the scans that finish it against the registered resource managers without ever
 * guessing an outcome (docs/protocols.md §2 and §4). Internal: not part of Assent's API.
 */
package dev.assent.tm.internal.recovery;
