/**
 * Wording shared by the messages a user reads (log lines, reports). Internal: not part of
 * Assent's API.
 */
package dev.assent.tm.internal.text;
