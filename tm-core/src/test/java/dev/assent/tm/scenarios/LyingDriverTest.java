package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.spi.NamedXAResource;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.HeuristicRollbackException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A driver that lies, in each way drivers have been seen to: every lie ends either with both
 * branches agreeing or with a heuristic reported to the caller or recorded for the operator; never
 * a silent divergence (docs/protocols.md §2).
 */
class LyingDriverTest extends ScenarioTest {

    /** What the lying resource does, and whether Assent must report a heuristic for it. */
    enum Lie {
        /** PostgreSQL's PREPARE of an aborted transaction: "prepared", while the work is gone. */
        SAYS_PREPARED_WHEN_IT_ROLLED_BACK(true),
        /** Prepares, then loses the prepared branch before the commit arrives. */
        LOSES_A_PREPARED_BRANCH(true),
        /** Commits, then answers XAER_NOTA to that very commit. */
        ANSWERS_NOTA_FOR_A_COMMITTED_BRANCH(true),
        /** Commits, then reports XAER_RMERR. */
        REPORTS_RMERR_FOR_SUCCESS(true),
        /** Commits, then the reply is lost (XAER_RMFAIL): indistinguishable from a lost reply. */
        LOSES_THE_REPLY_TO_A_COMMIT(false),
        /** Answers XA_RETRY ("nothing done, try later"), then loses the branch. */
        SAYS_RETRY_THEN_LOSES_THE_BRANCH(true);

        final boolean mustBeReported;

        Lie(boolean mustBeReported) {
            this.mustBeReported = mustBeReported;
        }
    }

    @ParameterizedTest
    @EnumSource(Lie.class)
    void aLieEndsInAgreementOrAReportedHeuristic(Lie lie) throws Exception {
        // Resources: a (honest), liar (registered for recovery). Fault: {lie}.
        // Expected: after commit() and two recovery scans, a and the liar hold the same outcome,
        // or a heuristic was reported (and must be, for every lie but a lost reply).
        ScriptedXAResource a = resource("a");
        LyingXAResource liar = new LyingXAResource(lie);
        AssentTransactionManager manager =
                start(configure().recoveryResource("liar", () -> liar).recoveryInterval(Duration.ZERO));
        manager.begin();
        manager.getTransaction().enlistResource(a);
        manager.getTransaction().enlistResource(liar);

        Throwable thrown = catchThrowable(manager::commit);
        manager.recover();
        manager.recover();

        boolean reported = thrown instanceof HeuristicMixedException
                || thrown instanceof HeuristicRollbackException
                || !manager.heuristics().isEmpty();
        boolean aCommitted = a.calls(Verb.COMMIT) > 0;
        boolean liarCommitted = liar.committedAny();
        assertThat(reported || aCommitted == liarCommitted)
                .as(
                        "%s: a committed %s, liar committed %s, thrown %s, nothing reported",
                        lie, aCommitted, liarCommitted, thrown)
                .isTrue();
        assertThat(reported).as("%s reported (thrown: %s)", lie, thrown).isEqualTo(lie.mustBeReported);
        assertThat(liar.prepared()).as("branches left prepared").isEmpty();
    }

    /** Keeps the truth of each branch, and tells it as its lie dictates. */
    private static final class LyingXAResource implements NamedXAResource {
        private enum Truth {
            ACTIVE,
            PREPARED,
            COMMITTED,
            ROLLED_BACK
        }

        private final Lie lie;
        private final Map<Xid, Truth> branches = new ConcurrentHashMap<>();
        private volatile boolean retried;

        LyingXAResource(Lie lie) {
            this.lie = lie;
        }

        boolean committedAny() {
            return branches.containsValue(Truth.COMMITTED);
        }

        List<Xid> prepared() {
            return branches.entrySet().stream()
                    .filter(entry -> entry.getValue() == Truth.PREPARED)
                    .map(Map.Entry::getKey)
                    .toList();
        }

        @Override
        public String resourceManagerName() {
            return "liar";
        }

        @Override
        public void start(Xid xid, int flags) {
            branches.put(xid, Truth.ACTIVE);
        }

        @Override
        public void end(Xid xid, int flags) {}

        @Override
        public int prepare(Xid xid) {
            if (lie == Lie.SAYS_PREPARED_WHEN_IT_ROLLED_BACK) {
                branches.put(xid, Truth.ROLLED_BACK);
                return XA_OK;
            }
            branches.put(xid, Truth.PREPARED);
            return XA_OK;
        }

        @Override
        public void commit(Xid xid, boolean onePhase) throws XAException {
            if (branches.get(xid) != Truth.PREPARED) {
                throw error(XAException.XAER_NOTA, "unknown branch");
            }
            switch (lie) {
                case LOSES_A_PREPARED_BRANCH -> {
                    branches.put(xid, Truth.ROLLED_BACK);
                    throw error(XAException.XAER_NOTA, "unknown branch (lost since it was prepared)");
                }
                case ANSWERS_NOTA_FOR_A_COMMITTED_BRANCH -> {
                    branches.put(xid, Truth.COMMITTED);
                    throw error(XAException.XAER_NOTA, "unknown branch (it was just committed)");
                }
                case REPORTS_RMERR_FOR_SUCCESS -> {
                    branches.put(xid, Truth.COMMITTED);
                    throw error(XAException.XAER_RMERR, "error (but committed)");
                }
                case LOSES_THE_REPLY_TO_A_COMMIT -> {
                    branches.put(xid, Truth.COMMITTED);
                    throw error(XAException.XAER_RMFAIL, "connection reset (after the commit)");
                }
                case SAYS_RETRY_THEN_LOSES_THE_BRANCH -> {
                    if (!retried) {
                        retried = true;
                        branches.put(xid, Truth.ROLLED_BACK);
                        throw error(XAException.XA_RETRY, "try again later");
                    }
                    branches.put(xid, Truth.COMMITTED);
                }
                default -> branches.put(xid, Truth.COMMITTED);
            }
        }

        @Override
        public void rollback(Xid xid) throws XAException {
            if (branches.replace(xid, Truth.ROLLED_BACK) == null) {
                throw error(XAException.XAER_NOTA, "unknown branch");
            }
        }

        @Override
        public void forget(Xid xid) {}

        @Override
        public Xid[] recover(int flag) {
            return (flag & TMSTARTRSCAN) != 0 ? prepared().toArray(Xid[]::new) : new Xid[0];
        }

        @Override
        public boolean isSameRM(XAResource other) {
            return other == this;
        }

        @Override
        public int getTransactionTimeout() {
            return 0;
        }

        @Override
        public boolean setTransactionTimeout(int seconds) {
            return false;
        }

        private static XAException error(int code, String message) {
            XAException e = new XAException(message);
            e.errorCode = code;
            return e;
        }
    }
}
