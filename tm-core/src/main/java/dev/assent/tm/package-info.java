/** Assent's public API: the entry point {@link dev.assent.tm.Assent} and the transaction manager. */
package dev.assent.tm;
