package dev.assent.xa;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.GenericProfile;
import dev.assent.xa.profile.H2Profile;
import dev.assent.xa.profile.MariaDbProfile;
import dev.assent.xa.profile.PostgresProfile;

/**
 * Entry point: pooled XA DataSources whose connections join the transactions of an {@link
 * AssentTransactionManager}.
 *
 * <pre>{@code
 * AssentDataSource bankA = AssentDataSources.postgres(tm)
 *         .name("bank-a")
 *         .url("jdbc:postgresql://db-a:5432/bank")
 *         .user("bank").password(secret)
 *         .maxPoolSize(20)
 *         .build();
 * }</pre>
 *
 * <p>The driver of each database must be on the class path (this module depends on them
 * optionally).
 */
public final class AssentDataSources {
    private AssentDataSources() {}

    /** PostgreSQL (pgjdbc 42.7+); the server needs {@code max_prepared_transactions > 0}. */
    public static DataSourceBuilder postgres(AssentTransactionManager tm) {
        return new DataSourceBuilder(tm, new PostgresProfile());
    }

    /** MariaDB (Connector/J 3.5+), InnoDB tables. */
    public static DataSourceBuilder mariadb(AssentTransactionManager tm) {
        return new DataSourceBuilder(tm, new MariaDbProfile());
    }

    /** H2 2.x, file or in-memory database. */
    public static DataSourceBuilder h2(AssentTransactionManager tm) {
        return new DataSourceBuilder(tm, new H2Profile());
    }

    /**
     * Any database with an XADataSource whose quirks are not known: it is instantiated by class
     * name and configured through its bean setters from {@code url(..)}, {@code user(..)}, {@code
     * password(..)} and {@code property(..)}; read through {@link GenericProfile}.
     */
    public static DataSourceBuilder xa(AssentTransactionManager tm, String product, String xaDataSourceClassName) {
        return new DataSourceBuilder(tm, new GenericProfile(product, xaDataSourceClassName));
    }

    /** A database described by a profile of its own (quirks, start-up checks, read-only detection). */
    public static DataSourceBuilder xa(AssentTransactionManager tm, DatabaseProfile profile) {
        return new DataSourceBuilder(tm, profile);
    }
}
