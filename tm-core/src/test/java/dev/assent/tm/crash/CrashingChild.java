package dev.assent.tm.crash;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.spi.TransactionListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.Xid;

/**
 * The process that dies: runs transactions over two durable resources and halts the JVM
 * (no shutdown hooks, no flushing: as close to a power cut as a process gets) at the given
 * protocol point of the given transaction.
 *
 * <p>Arguments: log directory, data directory, crash point name, number of the transaction to
 * crash in, number of transactions.
 */
public final class CrashingChild {
    static final int HALTED = 77;
    /** Starts the line printed for every transaction begun, followed by its gtrid in hex. */
    static final String BEGUN = "begun ";

    private CrashingChild() {}

    public static void main(String[] args) throws Exception {
        Path logDirectory = Path.of(args[0]);
        Path dataDirectory = Path.of(args[1]);
        CrashPoint crashPoint = CrashPoint.valueOf(args[2]);
        int crashIn = Integer.parseInt(args[3]);
        int transactions = Integer.parseInt(args[4]);
        AtomicInteger current = new AtomicInteger();
        DurableTestResource.Hook hook = (point, where) -> {
            if (current.get() == crashIn && point.equals(crashPoint.point) && where.equals(crashPoint.where)) {
                Runtime.getRuntime().halt(HALTED);
            }
        };
        TransactionListener decisions = new TransactionListener() {
            @Override
            public void begun(Xid transactionId) {
                // The parent learns every Xid this run issued, even those no resource kept.
                System.out.println(BEGUN + HexFormat.of().formatHex(transactionId.getGlobalTransactionId()));
            }

            @Override
            public void decided(Xid transactionId, boolean commit) {
                if (commit) {
                    hook.at("decided", "coordinator");
                }
            }
        };
        DurableTestResource a = new DurableTestResource("rm-a", dataDirectory.resolve("rm-a"), hook);
        DurableTestResource b = new DurableTestResource("rm-b", dataDirectory.resolve("rm-b"), hook);
        try (AssentTransactionManager tm = Assent.configure()
                .nodeId(CrashRecoveryTest.NODE_ID)
                .logDirectory(logDirectory)
                .recoveryInterval(Duration.ZERO)
                .listener(decisions)
                .build()) {
            for (int k = 1; k <= transactions; k++) {
                current.set(k);
                tm.begin();
                tm.getTransaction().enlistResource(a);
                tm.getTransaction().enlistResource(b);
                a.write("tx-" + k);
                b.write("tx-" + k);
                tm.commit();
            }
        }
        System.out.println("finished without crashing");
    }
}
