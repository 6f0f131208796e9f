package dev.assent.tm.crash;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The recovering process that dies too (a double fault): opens the log a crashed run left, and
 * halts the JVM when its start-up recovery scan reaches the given point at the given resource.
 *
 * <p>Arguments: log directory, data directory, point ("after-commit", "after-rollback"), resource
 * manager name.
 */
public final class RecoveringChild {
    private RecoveringChild() {}

    public static void main(String[] args) {
        Path logDirectory = Path.of(args[0]);
        Path dataDirectory = Path.of(args[1]);
        String crashPoint = args[2];
        String crashWhere = args[3];
        DurableTestResource.Hook hook = (point, where) -> {
            if (point.equals(crashPoint) && where.equals(crashWhere)) {
                Runtime.getRuntime().halt(CrashingChild.HALTED);
            }
        };
        try (AssentTransactionManager tm = Assent.configure()
                .nodeId(CrashRecoveryTest.NODE_ID)
                .logDirectory(logDirectory)
                .recoveryInterval(Duration.ZERO)
                .recoveryResource("rm-a", () -> new DurableTestResource("rm-a", dataDirectory.resolve("rm-a"), hook))
                .recoveryResource("rm-b", () -> new DurableTestResource("rm-b", dataDirectory.resolve("rm-b"), hook))
                .build()) {
            System.out.println("recovered without crashing: " + tm.recover());
        }
    }
}
