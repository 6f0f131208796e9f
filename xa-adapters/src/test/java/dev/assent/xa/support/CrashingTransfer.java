package dev.assent.xa.support;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.spi.TransactionListener;
import dev.assent.xa.AssentDataSource;
import dev.assent.xa.AssentDataSources;
import dev.assent.xa.DataSourceBuilder;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.Xid;

/**
 * The child process of the crash tests: moves 10 from account 1 of the first database to account
 * 1 of the others in one transaction, and dies by {@link Runtime#halt} at the chosen point. The
 * database servers stay up; the test's own process then recovers.
 *
 * <p>Arguments: nodeId, log directory (or "memory"), crash point, then five per database: kind,
 * name, url, user, password ("-" for none).
 */
public final class CrashingTransfer {
    /** Exit code of a crash at the chosen point; any other code means the crash did not happen. */
    public static final int CRASHED = 77;

    /** Where the child dies. */
    public enum CrashPoint {
        /** Every branch prepared, no decision logged: presumed abort rolls them all back. */
        AFTER_PREPARE,
        /** The commit decision is durable, no branch committed yet: recovery commits them all. */
        AFTER_DECISION
    }

    private CrashingTransfer() {}

    public static void main(String[] args) throws Exception {
        String nodeId = args[0];
        String log = args[1];
        CrashPoint point = CrashPoint.valueOf(args[2]);
        List<TestDatabase> databases = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 3; i + 4 < args.length; i += 5) {
            String password = args[i + 4].equals("-") ? null : args[i + 4];
            databases.add(new TestDatabase(args[i], args[i + 2], args[i + 3], password, args[i + 3], password));
            names.add(args[i + 1]);
        }
        TransactionListener crash = new Crash(point, databases.size());
        try (AssentTransactionManager tm = log.equals("memory")
                ? Managers.inMemory(nodeId, crash)
                : Managers.durable(nodeId, Path.of(log), crash)) {
            List<AssentDataSource> sources = new ArrayList<>();
            for (int i = 0; i < databases.size(); i++) {
                sources.add(builder(tm, databases.get(i)).name(names.get(i)).build());
            }
            tm.begin();
            for (int i = 0; i < sources.size(); i++) {
                try (Connection connection = sources.get(i).getConnection()) {
                    Bank.add(connection, i == 0 ? -10L * (sources.size() - 1) : 10L);
                }
            }
            tm.commit();
        }
        System.out.println("the transfer committed: no crash happened at " + point);
        System.exit(0);
    }

    /** The builder of {@code db}'s kind, with its login. */
    public static DataSourceBuilder builder(AssentTransactionManager tm, TestDatabase db) {
        DataSourceBuilder builder = switch (db.kind()) {
            case "postgres" -> AssentDataSources.postgres(tm);
            case "mariadb" -> AssentDataSources.mariadb(tm);
            case "h2" -> AssentDataSources.h2(tm);
            default -> throw new IllegalArgumentException("unknown kind " + db.kind());
        };
        return builder.url(db.url()).user(db.user()).password(db.password());
    }

    /** The arguments that describe {@code db} under {@code name}. */
    public static List<String> describe(TestDatabase db, String name) {
        return List.of(
                db.kind(),
                name,
                db.url(),
                db.user(),
                db.password() == null || db.password().isEmpty() ? "-" : db.password());
    }

    private static final class Crash implements TransactionListener {
        private final CrashPoint point;
        private final int branches;
        private final AtomicInteger prepared = new AtomicInteger();

        Crash(CrashPoint point, int branches) {
            this.point = point;
            this.branches = branches;
        }

        @Override
        public void prepared(Xid branchXid, Vote vote) {
            if (point == CrashPoint.AFTER_PREPARE && prepared.incrementAndGet() == branches) {
                System.out.println("crashing after " + branches + " prepared branches");
                System.out.flush();
                Runtime.getRuntime().halt(CRASHED);
            }
        }

        @Override
        public void decided(Xid transactionId, boolean commit) {
            if (point == CrashPoint.AFTER_DECISION && commit) {
                System.out.println("crashing after the commit decision");
                System.out.flush();
                Runtime.getRuntime().halt(CRASHED);
            }
        }
    }
}
