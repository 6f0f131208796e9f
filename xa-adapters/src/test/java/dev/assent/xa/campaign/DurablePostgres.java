package dev.assent.xa.campaign;

import dev.assent.xa.support.TestDatabase;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The campaign's PostgreSQL 17 server (zonky binaries): unlike the shared test server it keeps
 * every durability setting on (fsync, synchronous commit, full page writes; the embedded
 * default turns synchronous commit off), has room for a prepared transaction per connection, and
 * ends the backend of a dead client even while it waits for a lock.
 * Children log in as the role {@value #CHILD_ROLE}, so that the parent can tell their sessions
 * from its own.
 */
final class DurablePostgres implements AutoCloseable {
    static final String CHILD_ROLE = "campaign";

    private final EmbeddedPostgres postgres;

    private DurablePostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static DurablePostgres start() {
        try {
            return new DurablePostgres(EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on")
                    .setServerConfig("max_connections", "100")
                    .setServerConfig("max_prepared_transactions", "100")
                    // a killed child's backend waiting for a row lock held by a prepared branch
                    // would otherwise wait until recovery, which waits for it to go
                    .setServerConfig("client_connection_check_interval", "200ms")
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded PostgreSQL server", e);
        }
    }

    /** Creates an empty database that the child role may use (after {@link #grantTables}). */
    TestDatabase createDatabase(String name) throws SQLException {
        database("postgres")
                .execute(
                        "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)",
                        "CREATE DATABASE " + name,
                        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + CHILD_ROLE
                                + "') THEN CREATE ROLE " + CHILD_ROLE + " LOGIN; END IF; END $$");
        return database(name);
    }

    /** Lets the child role read and write the campaign's tables. */
    static void grantTables(TestDatabase db) throws SQLException {
        db.execute("GRANT SELECT, INSERT, UPDATE ON account, transfer_ledger TO " + CHILD_ROLE);
    }

    private TestDatabase database(String name) {
        String url = "jdbc:postgresql://127.0.0.1:" + postgres.getPort() + "/" + name;
        return new TestDatabase("postgres", url, CHILD_ROLE, "", "postgres", "");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
