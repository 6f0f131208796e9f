package dev.assent.tm.scenarios;

import static javax.transaction.xa.XAException.XAER_RMFAIL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.internal.tx.AssentXid;
import dev.assent.tm.internal.tx.XidFactory;
import dev.assent.tm.spi.TransactionListener;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Review finding: a log directory restored from an older copy (a backup, a VM or volume snapshot)
 * counts runs again from the copy's last run. The runs the copy never saw are then (a) reused, so
 * Xids repeat, and (b) once the counter has passed them, taken for "earlier runs this log recorded",
 * so their prepared branches are presumed aborted although their commit decisions were only in the
 * lost part of the log (docs/protocols.md section 4 promises such a run's branch is left prepared).
 */
class RestoredLogDirectoryTest extends ScenarioTest {
    @TempDir
    Path root;

    @Test
    void aBranchOfARunTheRestoredLogNeverSawIsNotPresumedAborted() throws Exception {
        Path log = root.resolve("log");
        Path backup = root.resolve("backup");
        // Run 1 creates the log; the operator's backup is taken after it.
        start(durable(log)).close();
        copy(log, backup);

        // Run 2 (not in the backup): commits a transaction; a's commit is made, b's fails
        // (XAER_RMFAIL), so b's branch stays prepared with the decision "commit" in the log only.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b").failOnCall(Verb.COMMIT, 1, XAER_RMFAIL);
        AssentTransactionManager run2 = start(durable(log));
        begin(run2, a, b);
        run2.commit(); // b's failure leaves it owed to recovery; commit() returns
        run2.close();
        assertThat(a.inDoubt()).isEmpty();
        List<Xid> owed = b.inDoubt();
        assertThat(owed).hasSize(1);

        // The log directory is lost and restored from the backup.
        delete(log);
        copy(backup, log);

        // Two starts on the restored log; b is registered at both. The first is run 2 again (the
        // same incarnation as the lost run 2: its Xids repeat the lost run's); the second is run 3,
        // for which the lost run 2 counts as "an earlier run this log recorded".
        start(durable(log).recoveryResource("b", () -> b)).close();
        start(durable(log).recoveryResource("b", () -> b)).close();

        // a committed; b's branch belongs to a run the restored log never recorded: its outcome
        // is unknown to this log, so it must stay prepared and be reported, never rolled back.
        assertThat(b.inDoubt())
                .as("b's branch of run 2, which only the lost log recorded")
                .isEqualTo(owed);
    }

    @Test
    void aRestoredCopysFirstStartIssuesNoXidOfTheLostRuns() throws Exception {
        // Setup: run 1 creates the log and is copied; runs 2 and 3 (not in the copy) each begin 100
        // transactions; the directory is restored from the copy. Expected: the restored log's first
        // start begins 100 more under an incarnation of neither lost run, so no Xid repeats.
        Path log = root.resolve("log");
        Path backup = root.resolve("backup");
        start(durable(log)).close();
        copy(log, backup);
        List<Xid> lost = new ArrayList<>();
        for (int run = 2; run <= 3; run++) {
            beginAndRollBack(log, 100, lost);
        }
        delete(log);
        copy(backup, log);

        List<Xid> restored = new ArrayList<>();
        beginAndRollBack(log, 100, restored);

        Set<Long> lostIncarnations = incarnationsOf(lost);
        assertThat(lostIncarnations).hasSize(2);
        assertThat(incarnationsOf(restored)).hasSize(1).doesNotContainAnyElementsOf(lostIncarnations);
        Set<AssentXid> lostXids = lost.stream().map(AssentXid::copyOf).collect(Collectors.toSet());
        assertThat(restored).hasSize(100).noneMatch(xid -> lostXids.contains(AssentXid.copyOf(xid)));
    }

    /** Starts a manager on {@code directory}, begins and rolls back {@code count} transactions, noting their Xids. */
    private void beginAndRollBack(Path directory, int count, List<Xid> begun) throws Exception {
        try (AssentTransactionManager manager = start(durable(directory).listener(new TransactionListener() {
            @Override
            public void begun(Xid transactionId) {
                begun.add(transactionId);
            }
        }))) {
            for (int i = 0; i < count; i++) {
                manager.begin();
                manager.rollback();
            }
        }
    }

    private static Set<Long> incarnationsOf(List<Xid> xids) {
        XidFactory reader = new XidFactory("test", 0);
        return xids.stream().map(xid -> reader.incarnationOf(xid).orElseThrow()).collect(Collectors.toSet());
    }

    private Assent.Builder durable(Path directory) {
        return Assent.configure()
                .nodeId("test")
                .logDirectory(directory)
                .listener(listener)
                .orphanGracePeriod(Duration.ofHours(1)) // no rollback as an orphan of the current run
                .recoveryInterval(Duration.ZERO);
    }

    private static void copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
    }

    private static void delete(Path directory) throws Exception {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
