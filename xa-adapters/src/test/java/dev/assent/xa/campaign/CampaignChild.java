package dev.assent.xa.campaign;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.RecoveryReport;
import dev.assent.tm.spi.TransactionListener;
import dev.assent.xa.AssentDataSource;
import dev.assent.xa.AssentDataSources;
import dev.assent.xa.DataSourceBuilder;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import jakarta.transaction.Status;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The child process of the crash campaign, killed by its parent with SIGKILL at a moment of the
 * parent's choosing. It opens Assent on the campaign's durable log (the same node id every
 * cycle, so it recovers what earlier children left), registers both banks, recovers until nothing
 * is owed, and says so; then, when the parent writes {@code GO}, moves money between the banks on
 * a few threads until it is killed ({@code STOP} instead makes it close and exit 0).
 *
 * <p>Each transfer is one XA transaction: bank A's account row first (always, so that two
 * transfers never wait for each other across the databases), then bank B's, each bank getting a
 * ledger row with the transfer's id and the amount as seen by that bank. One transfer in ten asks
 * for more than any account holds: the CHECK constraint fails and the application rolls back. (An
 * ordinary transfer that meets an account the random walk has emptied is refused the same way;
 * a long campaign can get there, so that refusal is counted with the others, not as a failure.)
 *
 * <p>What it prints (one line each, read by {@link CrashCampaignTest}): {@code RECOVERING},
 * {@code LOG-OPEN}, {@code RECOVERED key=value...}, {@code RUNNING}, {@code PROGRESS key=value...},
 * and {@code UNEXPECTED} or {@code HEURISTIC} with the exception when a transfer ends in a way the
 * workload did not ask for.
 *
 * <p>Arguments: log directory, cycle number, seed, threads, then bank A's url, user, password and
 * bank B's url, user, password ("-" for no password).
 */
public final class CampaignChild {
    static final String NODE_ID = "campaign";
    static final String BANK_A = "bank-a";
    static final String BANK_B = "bank-b";
    private static final long OVERDRAW = 1_000_000_000_000L;
    private static final Duration MAX_RUN = Duration.ofMinutes(2);

    private final AtomicLong committed = new AtomicLong();
    private final AtomicLong failedAsAsked = new AtomicLong();
    private final AtomicLong unexpected = new AtomicLong();
    private final AtomicLong counter = new AtomicLong();
    private final long cycle;

    private CampaignChild(long cycle) {
        this.cycle = cycle;
    }

    public static void main(String[] args) throws Exception {
        Path log = Path.of(args[0]);
        long cycle = Long.parseLong(args[1]);
        long seed = Long.parseLong(args[2]);
        int threads = Integer.parseInt(args[3]);
        say("RECOVERING");
        RecoveryTally tally = new RecoveryTally();
        try (AssentTransactionManager tm = Assent.configure()
                .nodeId(NODE_ID)
                .logDirectory(log)
                .recoveryInterval(Duration.ZERO)
                .defaultTimeout(Duration.ofSeconds(20))
                .listener(tally)
                .build()) {
            say("LOG-OPEN");
            try (AssentDataSource bankA = source(AssentDataSources.postgres(tm), BANK_A, args, 4, threads);
                    AssentDataSource bankB = source(AssentDataSources.mariadb(tm), BANK_B, args, 7, threads)) {
                RecoveryReport last = recoverFully(tm);
                say("RECOVERED committed=" + tally.committed.get() + " rolledBack=" + tally.rolledBack.get()
                        + " leftAlone=" + last.leftAlone().size() + " owed="
                        + last.stillOwed().size()
                        + " heuristics=" + tm.heuristics().size() + " report=" + last);
                BufferedReader parent = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                String order = parent.readLine();
                if ("GO".equals(order)) {
                    new CampaignChild(cycle).run(tm, bankA, bankB, seed, threads);
                }
            }
        }
        say("STOPPED");
        System.exit(0);
    }

    private static AssentDataSource source(DataSourceBuilder builder, String name, String[] args, int at, int threads) {
        return builder.name(name)
                .url(args[at])
                .user(args[at + 1])
                .password(args[at + 2].equals("-") ? null : args[at + 2])
                .maxPoolSize(threads + 1)
                .build();
    }

    /** Scans until nothing is owed; the first scan already rolls back every orphan of a dead run. */
    private static RecoveryReport recoverFully(AssentTransactionManager tm) throws InterruptedException {
        RecoveryReport report = tm.recover();
        for (int scan = 1; scan < 50 && !report.isComplete(); scan++) {
            Thread.sleep(100);
            report = tm.recover();
        }
        return report;
    }

    private void run(
            AssentTransactionManager tm, AssentDataSource bankA, AssentDataSource bankB, long seed, int threads)
            throws InterruptedException {
        SplittableRandom seeds = new SplittableRandom(seed);
        long deadline = System.nanoTime() + MAX_RUN.toNanos();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            SplittableRandom random = seeds.split();
            workers.add(new Thread(() -> transferUntil(deadline, tm, bankA, bankB, random), "transfer-" + i));
        }
        say("RUNNING");
        workers.forEach(Thread::start);
        for (Thread worker : workers) {
            worker.join();
        }
        say("PROGRESS committed=" + committed.get() + " failed=" + failedAsAsked.get() + " unexpected="
                + unexpected.get() + " (not killed within " + MAX_RUN.toSeconds() + " s)");
    }

    private void transferUntil(
            long deadline,
            AssentTransactionManager tm,
            AssentDataSource bankA,
            AssentDataSource bankB,
            SplittableRandom random) {
        while (System.nanoTime() < deadline) {
            long id = cycle * CrashCampaignTest.IDS_PER_CYCLE + counter.incrementAndGet();
            boolean overdraw = random.nextInt(10) == 0;
            long amount = overdraw ? OVERDRAW : 1 + random.nextInt(100);
            long toA = random.nextBoolean() ? amount : -amount;
            int accountA = 1 + random.nextInt(CampaignBanks.ACCOUNTS);
            int accountB = 1 + random.nextInt(CampaignBanks.ACCOUNTS);
            try {
                transfer(tm, bankA, bankB, id, toA, accountA, accountB, overdraw);
            } catch (Exception | Error e) {
                unexpected.incrementAndGet();
                say("UNEXPECTED transfer " + id + ": " + e);
                leaveTransaction(tm);
            }
        }
    }

    private void transfer(
            AssentTransactionManager tm,
            AssentDataSource bankA,
            AssentDataSource bankB,
            long id,
            long toA,
            int accountA,
            int accountB,
            boolean overdraw)
            throws Exception {
        tm.begin();
        try (Connection a = bankA.getConnection();
                Connection b = bankB.getConnection()) {
            CampaignBanks.book(a, id, accountA, toA);
            CampaignBanks.book(b, id, accountB, -toA);
        } catch (SQLException e) {
            tm.rollback();
            if (!overdraw && !CampaignBanks.isOverdraft(e)) {
                throw e;
            }
            failedAsAsked.incrementAndGet();
            return;
        }
        if (overdraw) {
            tm.rollback();
            throw new IllegalStateException("an overdraft of " + OVERDRAW + " was accepted");
        }
        try {
            tm.commit();
        } catch (HeuristicMixedException | HeuristicRollbackException e) {
            say("HEURISTIC transfer " + id + ": " + e);
            throw e;
        }
        long done = committed.incrementAndGet();
        if (done % 25 == 0) {
            say("PROGRESS committed=" + done + " failed=" + failedAsAsked.get() + " unexpected=" + unexpected.get());
        }
    }

    /** After an unexpected failure, so that the thread can begin its next transfer. */
    private static void leaveTransaction(AssentTransactionManager tm) {
        try {
            if (tm.getStatus() != Status.STATUS_NO_TRANSACTION) {
                tm.rollback();
            }
        } catch (Exception | Error e) {
            say("UNEXPECTED rollback after a failed transfer: " + e);
        }
    }

    private static void say(String line) {
        synchronized (System.out) {
            System.out.println(line);
            System.out.flush();
        }
    }

    /** Sums what every scan of this run did, the background ones included. */
    private static final class RecoveryTally implements TransactionListener {
        final AtomicLong committed = new AtomicLong();
        final AtomicLong rolledBack = new AtomicLong();

        @Override
        public void recovered(RecoveryReport report) {
            committed.addAndGet(report.committed().size());
            rolledBack.addAndGet(report.rolledBack().size());
        }
    }
}
