/**
 * Completing transactions: one-phase and two-phase commit, rollback, timeouts, and what the
 * resources' answers mean ({@code XaOutcomes}, one exhaustive switch per XA verb; see
 * docs/protocols.md §1 and §2). Internal: not part of Assent's API.
 */
package dev.assent.tm.internal.coordinator;
