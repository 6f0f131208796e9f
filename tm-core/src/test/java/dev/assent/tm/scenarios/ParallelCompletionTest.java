package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.testkit.ScriptedXAResource;
import dev.assent.tm.testkit.XaCall;
import dev.assent.tm.testkit.XaCall.Verb;
import jakarta.transaction.HeuristicMixedException;
import jakarta.transaction.RollbackException;
import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parallel completion ({@code parallelCompletion(4)}) with five branches: the phases fan out over
 * several threads, and every branch ends exactly as it does when they run one after the other.
 * The outcome scenarios run with 1 and with 4 threads and expect the same.
 */
class ParallelCompletionTest extends ScenarioTest {

    private final List<ScriptedXAResource> resources = new ArrayList<>();

    private AssentTransactionManager managerWith(int threads) throws Exception {
        AssentTransactionManager manager = start(configure().parallelCompletion(threads));
        for (int i = 1; i <= 5; i++) {
            resources.add(resource("r" + i));
        }
        return manager;
    }

    private ScriptedXAResource r(int number) {
        return resources.get(number - 1);
    }

    private static List<String> script(ScriptedXAResource resource, String... after) {
        String name = resource.label();
        String xid = "x" + name.substring(1);
        List<String> script = new ArrayList<>(List.of(
                name + ".start(" + xid + ", TMNOFLAGS)",
                name + ".end(" + xid + ", TMSUCCESS)",
                name + ".prepare(" + xid + ")"));
        for (String verb : after) {
            script.add(name + "." + verb + "(" + xid + (verb.equals("commit") ? ", false)" : ")"));
        }
        return script;
    }

    @Test
    void preparesRunOnSeveralThreads() throws Exception {
        // Resources: r1..r5. Fault: none; parallelCompletion(4).
        // Expected: the prepares (and commits) run on more than one thread, phase threads among
        // them; every branch is prepared and committed in two phases.
        AssentTransactionManager manager = managerWith(4);
        begin(manager, resources.toArray(ScriptedXAResource[]::new));
        manager.commit();

        Set<String> prepareThreads = threadsOf(Verb.PREPARE);
        assertThat(prepareThreads).hasSizeGreaterThan(1).anyMatch(name -> name.startsWith("assent-phase-"));
        assertThat(threadsOf(Verb.COMMIT)).hasSizeGreaterThan(1);
        for (ScriptedXAResource resource : resources) {
            assertThat(resource.script()).containsExactlyElementsOf(script(resource, "commit"));
        }
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 4})
    void everyBranchCommits(int threads) throws Exception {
        // Resources: r1..r5. Fault: none. Expected: prepare and commit(false) on each; COMMITTED.
        AssentTransactionManager manager = managerWith(threads);
        Transaction tx = begin(manager, resources.toArray(ScriptedXAResource[]::new));
        manager.commit();
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_COMMITTED);
        for (ScriptedXAResource resource : resources) {
            assertThat(resource.script()).containsExactlyElementsOf(script(resource, "commit"));
        }
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 4})
    void oneNoVoteRollsEveryBranchBack(int threads) throws Exception {
        // Resources: r1..r5. Fault: r3.prepare throws XAER_RMERR.
        // Expected: RollbackException caused by it; every branch (r3 too) rolled back, none committed.
        AssentTransactionManager manager = managerWith(threads);
        r(3).fail(Verb.PREPARE, XAException.XAER_RMERR);
        Transaction tx = begin(manager, resources.toArray(ScriptedXAResource[]::new));

        Throwable thrown = catchThrowable(manager::commit);

        assertThat(thrown).isInstanceOf(RollbackException.class);
        assertThat(thrown.getCause()).isSameAs(r(3).lastThrown());
        assertThat(tx.getStatus()).isEqualTo(Status.STATUS_ROLLEDBACK);
        for (ScriptedXAResource resource : resources) {
            assertThat(resource.script()).containsExactlyElementsOf(script(resource, "rollback"));
        }
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 4})
    void readOnlyVoterIsLeftOut(int threads) throws Exception {
        // Resources: r1..r5. Fault: none; r2 votes XA_RDONLY.
        // Expected: r2 is not committed; the other four are.
        AssentTransactionManager manager = managerWith(threads);
        r(2).voteReadOnly();
        begin(manager, resources.toArray(ScriptedXAResource[]::new));
        manager.commit();
        for (ScriptedXAResource resource : resources) {
            List<String> expected = resource == r(2) ? script(resource) : script(resource, "commit");
            assertThat(resource.script()).containsExactlyElementsOf(expected);
        }
    }

    @ParameterizedTest(name = "{0} thread(s)")
    @ValueSource(ints = {1, 4})
    void heuristicRollbackOfOneBranchIsMixed(int threads) throws Exception {
        // Resources: r1..r5. Fault: r4.commit throws XA_HEURRB.
        // Expected: HeuristicMixedException caused by it; the other four committed.
        AssentTransactionManager manager = managerWith(threads);
        r(4).fail(Verb.COMMIT, XAException.XA_HEURRB);
        begin(manager, resources.toArray(ScriptedXAResource[]::new));

        Throwable thrown = catchThrowable(manager::commit);

        assertThat(thrown).isInstanceOf(HeuristicMixedException.class);
        assertThat(thrown.getCause()).isSameAs(r(4).lastThrown());
        for (ScriptedXAResource resource : resources) {
            assertThat(resource.script()).containsExactlyElementsOf(script(resource, "commit"));
        }
        assertThat(listener.events()).contains("heuristic(x4, r4, XA_HEURRB)");
    }

    @Test
    void aCommitRacingCloseNeverWaitsForADroppedTask() throws Exception {
        // Resources: a, b, c on three phase threads. Fault: the manager is closed (phase pool shut
        // down, log closed) while the application still holds an open transaction and commits it.
        // Expected: the phases run on the committing thread instead of being dropped, so commit()
        // returns: the log refuses the decision and every branch is rolled back.
        AssentTransactionManager manager = start(configure().parallelCompletion(3));
        ScriptedXAResource a = resource("a");
        ScriptedXAResource b = resource("b");
        ScriptedXAResource c = resource("c");
        Transaction tx = begin(manager, a, b, c);
        manager.close();

        CompletableFuture<Throwable> commit = CompletableFuture.supplyAsync(() -> catchThrowable(tx::commit));

        assertThat(commit.get(10, TimeUnit.SECONDS)).isInstanceOf(RollbackException.class);
        assertThat(journal.script()).contains("a.rollback(x1)", "b.rollback(x2)", "c.rollback(x3)");
    }

    private Set<String> threadsOf(Verb verb) {
        return journal.calls().stream()
                .filter(call -> call.verb() == verb)
                .map(XaCall::thread)
                .collect(Collectors.toSet());
    }
}
