package dev.assent.samples.transfer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * The two banks' databases: embedded servers started for the run, or endpoints given by the user.
 * The data directory is locked for the run, embedded banks are checked against their seed markers
 * before anything starts, and each bank is created and seeded on first use.
 */
final class Databases implements AutoCloseable {
    private final DataDirLock lock;
    private final OptionalLong seededTotal;
    private final List<EmbeddedServer> servers;
    private final Endpoint bankA;
    private final Endpoint bankB;

    private Databases(
            DataDirLock lock, List<EmbeddedServer> servers, Endpoint bankA, Endpoint bankB, OptionalLong seededTotal) {
        this.lock = lock;
        this.seededTotal = seededTotal;
        this.servers = List.copyOf(servers);
        this.bankA = bankA;
        this.bankB = bankB;
    }

    /**
     * Starts what the options ask for; a server already started is stopped again when a later one
     * fails.
     *
     * @throws RunRefused before anything starts when the build lacks MariaDB's binaries, another
     *     run holds the data directory, or a bank seeded earlier is gone; or when a server a killed
     *     run left behind cannot be stopped
     */
    static Databases start(TransferOptions options, PrintStream out) throws Exception {
        switch (options.setup()) {
            case MARIADB -> MariaDbBinaries.check("mariadb", Databases.class.getClassLoader());
            case MIXED -> MariaDbBinaries.check("mixed", Databases.class.getClassLoader());
            case H2, POSTGRES, EXTERNAL -> {}
        }
        Path dir = options.dataDir().toAbsolutePath();
        DataDirLock lock = DataDirLock.acquire(dir);
        List<EmbeddedServer> started = new ArrayList<>();
        try {
            DataDirSetup.check(options, dir);
            BankStore storeA = store(options.setup(), "bank-a", dir);
            BankStore storeB = store(options.setup(), "bank-b", dir);
            for (BankStore store : new BankStore[] {storeA, storeB}) {
                if (store != null) {
                    store.checkPresent();
                }
            }
            out.printf(Locale.ROOT, "  log file of the database servers and libraries: %s%n", ServerLogs.file(dir));
            int connections = options.threads() * 2 + 10;
            Endpoint bankA = storeA == null
                    ? options.externalA()
                    : open(storeA, connections, ServerLogs.file(dir), started, out);
            Endpoint bankB = storeB == null
                    ? options.externalB()
                    : open(storeB, connections, ServerLogs.file(dir), started, out);
            Seeding.ensure(bankA, storeA, options.accounts(), options.initialBalance());
            Seeding.ensure(bankB, storeB, options.accounts(), options.initialBalance());
            OptionalLong seededTotal = storeA == null || storeB == null
                    ? OptionalLong.empty()
                    : OptionalLong.of(storeA.seededTotal() + storeB.seededTotal());
            return new Databases(lock, started, bankA, bankB, seededTotal);
        } catch (Exception | Error e) {
            stopAll(started, e);
            try {
                lock.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Where a bank of {@code setup} lives under {@code dir}; null for a server of the user's. */
    private static BankStore store(TransferOptions.DatabaseSetup setup, String bank, Path dir) {
        String side = bank.substring(bank.length() - 1); // "a" or "b"
        Endpoint.Product product = switch (setup) {
            case H2 -> Endpoint.Product.H2;
            case POSTGRES -> Endpoint.Product.POSTGRES;
            case MARIADB -> Endpoint.Product.MARIADB;
            case MIXED -> side.equals("a") ? Endpoint.Product.POSTGRES : Endpoint.Product.MARIADB;
            case EXTERNAL -> null;
        };
        if (product == null) {
            return null;
        }
        String name = switch (product) {
            case H2 -> bank;
            case POSTGRES -> "postgres-" + side;
            case MARIADB -> "mariadb-" + side;
        };
        return new BankStore(bank, product, dir.resolve(name));
    }

    private static Endpoint open(
            BankStore store, int connections, Path serverLog, List<EmbeddedServer> started, PrintStream out)
            throws Exception {
        return switch (store.product()) {
            case H2 -> h2(store.location());
            case POSTGRES -> {
                EmbeddedServer server = timed(
                        out,
                        "PostgreSQL " + store.bank(),
                        () -> EmbeddedPostgres17.start(store.location(), connections, serverLog, out));
                started.add(server);
                yield server.endpoint();
            }
            case MARIADB -> {
                EmbeddedServer server = timed(
                        out,
                        "MariaDB " + store.bank(),
                        () -> EmbeddedMariaDb.start(store.location(), connections, out));
                started.add(server);
                yield server.endpoint();
            }
        };
    }

    private static Endpoint h2(Path file) {
        // WRITE_DELAY=0: a commit reaches the file at once, so a halted process loses nothing that
        // it had committed or prepared.
        return new Endpoint(
                Endpoint.Product.H2,
                "jdbc:h2:" + file + ";DB_CLOSE_DELAY=-1;LOCK_TIMEOUT=10000;WRITE_DELAY=0",
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
                "  started embedded %s in %.1f s, %s%n",
                what,
                (System.nanoTime() - start) / 1e9,
                server.durability());
        return server;
    }

    Endpoint bankA() {
        return bankA;
    }

    Endpoint bankB() {
        return bankB;
    }

    /** What both banks held in all when they were seeded, from their markers; empty for servers of the user's. */
    OptionalLong seededTotal() {
        return seededTotal;
    }

    /**
     * Stops the embedded servers (before a --crash-after halt) but keeps the data directory locked
     * until the process ends: the transaction manager still holds its log, and a run started in
     * between must wait as it would for a live run.
     */
    void stopServers() throws IOException {
        IOException failure = stopAll(servers, null);
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Stops every embedded server, last started first, then releases the data directory; the first
     * failure is thrown, the rest attached.
     */
    @Override
    public void close() throws IOException {
        IOException failure = stopAll(servers, null);
        try {
            lock.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
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
