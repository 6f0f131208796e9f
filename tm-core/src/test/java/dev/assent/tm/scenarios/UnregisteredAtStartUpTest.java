package dev.assent.tm.scenarios;

import static javax.transaction.xa.XAException.XAER_RMFAIL;
import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.RecoveryReport;
import dev.assent.tm.testkit.CapturedLog;
import dev.assent.tm.testkit.Eventually;
import dev.assent.tm.testkit.MutableClock;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restart with commits owed to resources the application registers only after build(), as
 * xa-adapters does with each data source: the start-up scan cannot reach them yet, which is
 * normal and said calmly; only a resource that stays unregistered is warned about.
 */
class UnregisteredAtStartUpTest extends ScenarioTest {
    @TempDir
    Path logDirectory;

    @Test
    void owedCommitsOfResourcesRegisteredRightAfterBuildAreNotWarnedAbout() throws Exception {
        // Resources: a, b, c. Fault: b's and c's first commits fail with XAER_RMFAIL, so a run
        // with a durable log ends owing the transaction (the log does not know that a's commit
        // went through); the node restarts and registers a and c after build(), scans (b is still
        // unregistered), then registers b.
        // Expected: the start-up scan says at INFO, once per resource, how many commits each is
        // owed; no WARN at any scan; the branches are committed once their resources are back.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b").failOnCall(Verb.COMMIT, 1, XAER_RMFAIL);
        ScriptedXAResource c = resource("c").failOnCall(Verb.COMMIT, 1, XAER_RMFAIL);
        runOwing(a, b, c);

        try (CapturedLog log = CapturedLog.start()) {
            AssentTransactionManager restarted = start(durable());
            restarted.addRecoveryResource("a", () -> a);
            restarted.addRecoveryResource("c", () -> c);
            assertThat(restarted.recover().stillOwed())
                    .singleElement()
                    .asString()
                    .contains("'b' is owed 1 commit");
            restarted.addRecoveryResource("b", () -> b);
            Eventually.await(
                    "b and c committed by recovery",
                    Duration.ofSeconds(10),
                    () -> b.inDoubt().isEmpty() && c.inDoubt().isEmpty());
            RecoveryReport after = restarted.recover();

            assertThat(after.isComplete()).isTrue();
            assertThat(log.at("WARN")).isEmpty();
            assertThat(log.at("INFO"))
                    .filteredOn(line -> line.contains("is owed"))
                    .first()
                    .asString()
                    .contains(
                            "resource manager 'b' is owed 1 commit; it is made as soon as",
                            "resource manager 'c' is owed 1 commit;");
        }
    }

    @Test
    void aResourceThatStaysUnregisteredIsWarnedAboutAfterTheGracePeriod() throws Exception {
        // Resources: a, b. Fault: b's first commit fails with XAER_RMFAIL (b owed); the node
        // restarts with a registered and never registers b. Expected: no WARN at the start-up scan nor at a scan
        // within the orphan grace period; once it has passed, a scan warns, naming b, how many
        // branches stay prepared and the call that finishes them.
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b").failOnCall(Verb.COMMIT, 1, XAER_RMFAIL);
        runOwing(a, b);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T12:00:00Z"));

        try (CapturedLog log = CapturedLog.start()) {
            AssentTransactionManager restarted = start(
                    durable().clock(clock).recoveryResource("a", () -> a).orphanGracePeriod(Duration.ofSeconds(60)));
            clock.advance(Duration.ofSeconds(59));
            restarted.recover();
            assertThat(log.at("WARN")).isEmpty();

            clock.advance(Duration.ofSeconds(1));
            RecoveryReport late = restarted.recover();

            assertThat(late.stillOwed()).singleElement().asString().contains("'b' is owed 1 commit");
            assertThat(log.at("WARN"))
                    .singleElement()
                    .asString()
                    .contains(
                            "resource manager 'b' is still not registered 60 s after recovery found it owed commits:"
                                    + " 1 branch stays prepared there",
                            "addRecoveryResource(\"b\", ...)");
            assertThat(b.inDoubt()).hasSize(1);
        }
    }

    /** A first run of node "test" on the durable log that ends owing the commits that fail. */
    private void runOwing(ScriptedXAResource... resources) throws Exception {
        AssentTransactionManager first = start(durable());
        begin(first, resources);
        first.commit();
        first.close();
    }

    private Assent.Builder durable() {
        return Assent.configure()
                .nodeId("test")
                .logDirectory(logDirectory)
                .listener(listener)
                .recoveryInterval(Duration.ZERO);
    }
}
