/**
 * The XA vocabulary every other internal package shares: each XA code named ({@code XaCode}) and
 * what it means at each verb ({@code XaOutcomes}, one exhaustive switch per verb). Depends on
 * nothing else in Assent, so that the packages stay layered one way: xa, tx, log, recovery,
 * coordinator. Internal: not part of Assent's API.
 */
package dev.assent.tm.internal.xa;
