package dev.assent.xa;

/**
 * A snapshot of a DataSource's pool.
 *
 * @param active connections handed out (held by threads or by transactions not yet completed)
 * @param available idle connections in the pool
 * @param max the pool's maximum size
 * @param awaiting threads waiting for a connection
 */
public record PoolStatus(long active, long available, int max, long awaiting) {}
