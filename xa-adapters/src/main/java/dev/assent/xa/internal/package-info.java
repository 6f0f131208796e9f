/** Not API: the Agroal transaction integration, the XAResource wrappers and recovery access. */
package dev.assent.xa.internal;
