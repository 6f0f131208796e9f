package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.Assent;
import dev.assent.tm.AssentTransactionManager;
import jakarta.transaction.Status;
import jakarta.transaction.Transaction;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Configuration is validated at build() with messages that say what to fix. */
class ConfigurationTest extends ScenarioTest {

    @Test
    void nodeIdIsRequired() {
        // Config: no nodeId, then an empty one. Expected: IllegalArgumentException naming nodeId.
        assertThatThrownBy(() -> Assent.configure().inMemoryLog().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeId")
                .hasMessageContaining("required");
        assertThatThrownBy(() -> Assent.configure().nodeId("").inMemoryLog().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeId");
    }

    @Test
    void nodeIdOfMoreThan28BytesIsRefused() {
        // Config: a 29-byte nodeId; a 28-byte one. Expected: the first refused naming the limit,
        // the second accepted.
        String tooLong = "n".repeat(29);
        assertThatThrownBy(
                        () -> Assent.configure().nodeId(tooLong).inMemoryLog().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(tooLong)
                .hasMessageContaining("28");
        AssentTransactionManager longest =
                start(Assent.configure().nodeId("n".repeat(28)).inMemoryLog());
        assertThat(longest.config().nodeId()).hasSize(28);
    }

    @Test
    void nodeIdMustBePrintableAscii() {
        // Config: non-ASCII, a space, a control character.
        // Expected: IllegalArgumentException saying printable ASCII.
        for (String bad : new String[] {"nœud", "node a", "node\u0001"}) {
            assertThatThrownBy(
                            () -> Assent.configure().nodeId(bad).inMemoryLog().build())
                    .as("nodeId %s", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ASCII");
        }
    }

    @Test
    void otherSettingsAreValidated() {
        // Config: 0 and 1025 completion threads, zero and sub-second default timeouts, a zero
        // reaper interval. Expected: IllegalArgumentException naming the setting.
        assertThatThrownBy(() -> base().parallelCompletion(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelCompletion");
        assertThatThrownBy(() -> base().parallelCompletion(1025).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parallelCompletion");
        assertThatThrownBy(() -> base().defaultTimeout(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("defaultTimeout");
        assertThatThrownBy(() -> base().defaultTimeout(Duration.ofMillis(500)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("defaultTimeout");
        assertThatThrownBy(() -> base().timeoutCheckInterval(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeoutCheckInterval");
    }

    @Test
    void twoManagersRunSideBySide() throws Exception {
        // Config: managers "test" and "other" in one JVM. Fault: none.
        // Expected: each keeps its own thread association and its own Xids.
        AssentTransactionManager other = start(configure().nodeId("other"));
        Transaction ours = begin(resource("a"));
        assertThat(other.getTransaction()).isNull();
        assertThat(other.getStatus()).isEqualTo(Status.STATUS_NO_TRANSACTION);
        Transaction theirs = begin(other, resource("b"));
        assertThat(tm.getTransaction()).isSameAs(ours);
        other.commit();
        tm.commit();
        assertThat(theirs.getStatus()).isEqualTo(Status.STATUS_COMMITTED);
        assertThat(journal.xids().get(0).getGlobalTransactionId())
                .isNotEqualTo(journal.xids().get(1).getGlobalTransactionId());
    }

    private static Assent.Builder base() {
        return Assent.configure().nodeId("test").inMemoryLog();
    }
}
