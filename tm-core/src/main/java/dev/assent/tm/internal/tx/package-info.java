/**
 * Transactions as objects: their lifecycle ({@code TxState}, moved only by compare-and-set), their
 * branches and the XAResource associations with them ({@code Enlistments}), Xids and their layout
 * ({@code XidFactory}), and which thread works in which transaction. Completing a transaction is
 * not done here but by the coordinator package. Internal: not part of Assent's API.
 */
package dev.assent.tm.internal.tx;
