package dev.assent.samples.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.sql.SQLException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Which sentence of a cause chain the sample prints after "error:". */
class FailureMessageTest {
    @Test
    void aWrapperThatSaysNothingGivesWayToItsCause() {
        SQLException cause = new SQLException("bank-b refused the login for user 'bank'");
        assertThat(FailureMessage.of(new ExecutionException(cause))).isEqualTo(cause.getMessage());
        assertThat(FailureMessage.of(new RuntimeException(null, cause))).isEqualTo(cause.getMessage());
    }

    @Test
    void aCauseAppendedToAMessageLosesItsClassName() {
        SQLException cause = new SQLException("no account 7 to credit");
        IllegalStateException failure = new IllegalStateException("a transfer thread failed: " + cause, cause);

        assertThat(FailureMessage.of(failure)).isEqualTo("a transfer thread failed: no account 7 to credit");
    }

    @Test
    void theOutermostWordedMessageWinsAndAFileSystemCauseAddsItsReason() {
        UncheckedIOException failure = new UncheckedIOException(
                "cannot lock the transaction log directory /data/log",
                new AccessDeniedException("/data/log/assent.lock"));

        assertThat(FailureMessage.of(failure))
                .isEqualTo("cannot lock the transaction log directory /data/log"
                        + " (permission denied on /data/log/assent.lock)");
    }

    @Test
    void fileSystemExceptionsAreWordedWithoutTheirClassNames() {
        assertThat(FailureMessage.of(new FileSystemException("/data/x", null, "Read-only file system")))
                .isEqualTo("/data/x: Read-only file system");
        assertThat(FailureMessage.of(new IllegalStateException(new AccessDeniedException("/data"))))
                .isEqualTo("permission denied on /data");
    }

    @Test
    void aFailureWithNoMessageAnywhereNamesItsClassAndTheWayToTheTrace() {
        assertThat(FailureMessage.of(new NullPointerException()))
                .isEqualTo("java.lang.NullPointerException (run with --verbose for the stack trace)");
    }

    @Test
    void aMessageOnSeveralLinesIsPrintedOnOne() {
        assertThat(FailureMessage.of(new SQLException("Table \"ACCOUNT\" not found;\nSQL statement:\nSELECT 1")))
                .isEqualTo("Table \"ACCOUNT\" not found; SQL statement: SELECT 1");
    }
}
