package dev.assent.tm;

import dev.assent.tm.crash.DurableTestResource;
import jakarta.transaction.SystemException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The process that meets a double fault: the disk fails to force a commit decision, and the
 * process dies right after commit() has reported it. Halts with {@link #HALTED} once commit()
 * threw SystemException as it must.
 *
 * <p>Arguments: log directory, data directory.
 */
public final class ForceFailureChild {
    static final int HALTED = 77;

    private ForceFailureChild() {}

    public static void main(String[] args) throws Exception {
        Path logDirectory = Path.of(args[0]);
        Path dataDirectory = Path.of(args[1]);
        FailingForces storage = new FailingForces();
        DurableTestResource a = new DurableTestResource("rm-a", dataDirectory.resolve("rm-a"), (point, where) -> {});
        DurableTestResource b = new DurableTestResource("rm-b", dataDirectory.resolve("rm-b"), (point, where) -> {});
        AssentTransactionManager tm = Assent.configure()
                .nodeId(ForceFailureTest.NODE_ID)
                .logDirectory(logDirectory)
                .recoveryInterval(Duration.ZERO)
                .logStorage(storage)
                .build();
        storage.failForces = true;
        tm.begin();
        tm.getTransaction().enlistResource(a);
        tm.getTransaction().enlistResource(b);
        a.write("tx-1");
        b.write("tx-1");
        try {
            tm.commit();
            System.out.println("commit returned normally although the force failed");
        } catch (SystemException expected) {
            System.out.println("commit reported: " + expected.getMessage());
            Runtime.getRuntime().halt(HALTED);
        }
    }
}
