package dev.assent.tm.internal.log;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A second process for the lock test: opens the log in {@code args[0]}, prints "locked", and
 * holds the log until its standard input closes.
 */
public final class LockHolderProcess {
    private LockHolderProcess() {}

    public static void main(String[] args) throws IOException {
        try (FileTransactionLog log = FileTransactionLog.open(Path.of(args[0]), "node-a")) {
            System.out.println("locked");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the parent closes our input
            }
            System.out.println("released incarnation " + log.incarnation());
        }
    }
}
