/**
 * The decision logic of Assent's three-phase commit (docs/protocols.md §5), with no I/O: the
 * register every participant keeps per transaction and the rules by which it accepts or refuses
 * writes and promises ({@code Register}), the original coordinator's normal path ({@code
 * CoordinatorRun}) and the termination any other node runs when the coordinator is gone ({@code
 * TerminatorRun}, deciding through {@code Termination}).
 *
 * <p>Everything here is an immutable value and every step a function from one value to the next,
 * so that the code that will drive XA resources and register tables calls exactly what the
 * exhaustive model check in the tests explores. Internal: not part of Assent's API.
 */
package dev.assent.tm.internal.threephase;
