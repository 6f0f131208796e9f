package dev.assent.samples.transfer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The two banks' databases: embedded servers started for the run, or endpoints given by the user. */
final class Databases implements AutoCloseable {
    private final List<EmbeddedServer> servers;
    private final Endpoint bankA;
    private final Endpoint bankB;

    private Databases(List<EmbeddedServer> servers, Endpoint bankA, Endpoint bankB) {
        this.servers = List.copyOf(servers);
        this.bankA = bankA;
        this.bankB = bankB;
    }

    /** Starts what the options ask for; a server already started is stopped again when a later one fails. */
    static Databases start(TransferOptions options, PrintStream out) throws Exception {
        Path dir = options.dataDir();
        int connections = options.threads() * 2 + 10;
        List<EmbeddedServer> started = new ArrayList<>();
        try {
            switch (options.setup()) {
                case H2 -> {
                    return new Databases(started, h2(dir, "bank-a"), h2(dir, "bank-b"));
                }
                case EXTERNAL -> {
                    return new Databases(started, options.externalA(), options.externalB());
                }
                case POSTGRES -> {
                    started.add(timed(
                            out,
                            "PostgreSQL bank-a",
                            () -> EmbeddedPostgres17.start(dir.resolve("postgres-a"), connections)));
                    started.add(timed(
                            out,
                            "PostgreSQL bank-b",
                            () -> EmbeddedPostgres17.start(dir.resolve("postgres-b"), connections)));
                }
                case MARIADB -> {
                    started.add(timed(
                            out, "MariaDB bank-a", () -> EmbeddedMariaDb.start(dir.resolve("mariadb-a"), connections)));
                    started.add(timed(
                            out, "MariaDB bank-b", () -> EmbeddedMariaDb.start(dir.resolve("mariadb-b"), connections)));
                }
                case MIXED -> {
                    started.add(timed(
                            out,
                            "PostgreSQL bank-a",
                            () -> EmbeddedPostgres17.start(dir.resolve("postgres-a"), connections)));
                    started.add(timed(
                            out, "MariaDB bank-b", () -> EmbeddedMariaDb.start(dir.resolve("mariadb-b"), connections)));
                }
            }
            return new Databases(
                    started, started.get(0).endpoint(), started.get(1).endpoint());
        } catch (Exception | Error e) {
            stopAll(started, e);
            throw e;
        }
    }

    private static Endpoint h2(Path dir, String name) {
        // WRITE_DELAY=0: a commit reaches the file at once, so a halted process loses nothing that
        // it had committed or prepared.
        return new Endpoint(
                Endpoint.Product.H2,
                "jdbc:h2:" + dir.toAbsolutePath().resolve(name) + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000;WRITE_DELAY=0",
                "sa",
                "");
    }

    private interface Starter {
        EmbeddedServer start() throws Exception;
    }

    private static EmbeddedServer timed(PrintStream out, String what, Starter starter) throws Exception {
        long start = System.nanoTime();
        EmbeddedServer server = starter.start();
        out.printf(
                Locale.ROOT,
                "  started embedded %s in %.1f s (%s)%n",
                what,
                (System.nanoTime() - start) / 1e9,
                server.endpoint().url());
        return server;
    }

    Endpoint bankA() {
        return bankA;
    }

    Endpoint bankB() {
        return bankB;
    }

    /** Stops every embedded server, last started first; the first failure is thrown, the rest attached. */
    @Override
    public void close() throws IOException {
        IOException failure = stopAll(servers, null);
        if (failure != null) {
            throw failure;
        }
    }

    private static IOException stopAll(List<EmbeddedServer> servers, Throwable primary) {
        IOException first = null;
        for (int i = servers.size() - 1; i >= 0; i--) {
            try {
                servers.get(i).close();
            } catch (IOException e) {
                if (primary != null) {
                    primary.addSuppressed(e);
                } else if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }
}
