package dev.assent.xa;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.xa.profile.DatabaseNotReadyException;
import dev.assent.xa.profile.DatabaseProfile;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Collects the settings of one pooled XA DataSource; {@link #build()} validates them, starts the
 * pool, checks the database and registers it for recovery. Not thread-safe; use it once.
 */
public final class DataSourceBuilder {
    private final AssentTransactionManager transactionManager;
    private final DatabaseProfile profile;
    private String name;
    private String url;
    private String user;
    private String password;
    private String recoveryUser;
    private String recoveryPassword;
    private int maxPoolSize = 10;
    private int minPoolSize;
    private Duration acquisitionTimeout = Duration.ofSeconds(10);
    private Duration loginTimeout = Duration.ofSeconds(5);
    private Duration idleValidation = Duration.ofSeconds(30);
    private final Map<String, String> properties = new LinkedHashMap<>();

    DataSourceBuilder(AssentTransactionManager transactionManager, DatabaseProfile profile) {
        this.transactionManager = Objects.requireNonNull(transactionManager, "transactionManager");
        this.profile = Objects.requireNonNull(profile, "profile");
    }

    /**
     * Required: the name of this database as a resource manager, e.g. "bank-a". Branches are logged
     * under it and recovery finds the database by it after a crash, so it must stay the same
     * across restarts and be unique within the transaction manager.
     */
    public DataSourceBuilder name(String name) {
        this.name = name;
        return this;
    }

    /** Required: the JDBC URL, e.g. {@code jdbc:postgresql://db:5432/bank}. */
    public DataSourceBuilder url(String url) {
        this.url = url;
        return this;
    }

    public DataSourceBuilder user(String user) {
        this.user = user;
        return this;
    }

    public DataSourceBuilder password(String password) {
        this.password = password;
        return this;
    }

    /**
     * Logs recovery in as another user, for databases where listing other sessions' prepared
     * branches needs a privilege the application user lacks; default: the pool's user.
     */
    public DataSourceBuilder recoveryUser(String user, String password) {
        this.recoveryUser = Objects.requireNonNull(user, "user");
        this.recoveryPassword = password;
        return this;
    }

    /**
     * The most connections the pool holds; default 10. Recovery holds one more of its own. Each
     * transaction uses at most one connection of this DataSource however often it asks.
     */
    public DataSourceBuilder maxPoolSize(int maxPoolSize) {
        this.maxPoolSize = maxPoolSize;
        return this;
    }

    /** Connections kept open when idle; default 0. */
    public DataSourceBuilder minPoolSize(int minPoolSize) {
        this.minPoolSize = minPoolSize;
        return this;
    }

    /**
     * How long getConnection() waits for a free connection when all are in use before it fails
     * with {@link java.sql.SQLTransientConnectionException}; default 10 s.
     */
    public DataSourceBuilder acquisitionTimeout(Duration timeout) {
        this.acquisitionTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** How long opening one connection may take; default 5 s (keep it below the acquisition timeout). */
    public DataSourceBuilder loginTimeout(Duration timeout) {
        this.loginTimeout = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** A connection idle for longer than this is validated before it is handed out; default 30 s. */
    public DataSourceBuilder idleValidation(Duration idle) {
        this.idleValidation = Objects.requireNonNull(idle, "idle");
        return this;
    }

    /**
     * A bean property of the driver's XADataSource, set through its setter (e.g. "sslMode").
     * "url", "user" and "password" are the same as the methods of those names, so that a
     * database can be configured from properties alone.
     */
    public DataSourceBuilder property(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        switch (key.toLowerCase(java.util.Locale.ROOT)) {
            case "url" -> url = value;
            case "user" -> user = value;
            case "password" -> password = value;
            default -> properties.put(key, value);
        }
        return this;
    }

    /**
     * Validates the settings, starts the pool, checks the database (reachable, login accepted,
     * able to prepare, prepared branches listable) and registers it for recovery with the
     * transaction manager, which then resolves branches a crashed run left prepared there.
     *
     * @throws IllegalArgumentException naming the first setting that is wrong
     * @throws DatabaseNotReadyException in one sentence, when the database cannot take part
     * @throws IllegalStateException when the transaction manager already has a resource of that name
     */
    public AssentDataSource build() {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a DataSource needs a name(...): the resource manager name its branches"
                    + " are logged under and recovered by");
        }
        if (url == null) {
            throw new IllegalArgumentException("DataSource '" + name + "' needs a url(...)");
        }
        if (profile.xaDataSourceClassName() == null) {
            throw new IllegalArgumentException("DataSource '" + name + "' needs the class name of an XADataSource");
        }
        if (maxPoolSize < 1 || minPoolSize < 0 || minPoolSize > maxPoolSize) {
            throw new IllegalArgumentException("DataSource '" + name + "' needs 1 <= maxPoolSize and 0 <= minPoolSize"
                    + " <= maxPoolSize, got maxPoolSize " + maxPoolSize + ", minPoolSize " + minPoolSize);
        }
        if (acquisitionTimeout.isNegative() || acquisitionTimeout.isZero()) {
            throw new IllegalArgumentException(
                    "DataSource '" + name + "' needs a positive acquisitionTimeout, got " + acquisitionTimeout);
        }
        if (loginTimeout.isNegative() || idleValidation.isNegative()) {
            throw new IllegalArgumentException(
                    "DataSource '" + name + "': loginTimeout and idleValidation cannot be negative");
        }
        return AssentDataSource.start(transactionManager, profile, new Settings(this));
    }

    /** The validated settings, immutable. */
    record Settings(
            String name,
            String url,
            String user,
            String password,
            String recoveryUser,
            String recoveryPassword,
            int maxPoolSize,
            int minPoolSize,
            Duration acquisitionTimeout,
            Duration loginTimeout,
            Duration idleValidation,
            Map<String, String> properties) {

        Settings(DataSourceBuilder b) {
            this(
                    b.name,
                    b.url,
                    b.user,
                    b.password,
                    b.recoveryUser,
                    b.recoveryPassword,
                    b.maxPoolSize,
                    b.minPoolSize,
                    b.acquisitionTimeout,
                    b.loginTimeout,
                    b.idleValidation,
                    Map.copyOf(b.properties));
        }

        /** Where the DataSource connects, for messages; never the password. */
        String where() {
            return url;
        }

        @Override
        public String toString() {
            return "Settings[" + name + " at " + where() + " as " + user + ", maxPoolSize " + maxPoolSize + "]";
        }
    }
}
