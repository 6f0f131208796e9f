package dev.assent.xa.profile;

/**
 * What a profile may mention in an error: the DataSource's name, where it connects and as whom.
 *
 * @param name the resource manager name (also the DataSource's name)
 * @param url the JDBC URL, or a description of the XADataSource when there is none
 * @param user the user the pool logs in as, or null
 * @param maxPoolSize the pool's maximum size
 */
public record DatabaseTarget(String name, String url, String user, int maxPoolSize) {}
