/**
 * Real participants for Assent: pooled XA DataSources (PostgreSQL, MariaDB, H2, any XADataSource)
 * whose connections join the current transaction by themselves. Start at {@link
 * dev.assent.xa.AssentDataSources}.
 */
package dev.assent.xa;
