/**
 * Completing transactions: one-phase and two-phase commit, rollback, timeouts, and turning what
 * the resources answered into the outcome the application sees (docs/protocols.md §1 and §2). The
 * top of the internal layers: it uses tx, log, recovery and xa; none of them uses it. Internal:
 * not part of Assent's API.
 */
package dev.assent.tm.internal.coordinator;
