package dev.assent.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.xa.profile.DatabaseNotReadyException;
import dev.assent.xa.support.Bank;
import dev.assent.xa.support.Managers;
import dev.assent.xa.support.TestDatabase;
import dev.assent.xa.support.VoteRecorder;
import java.sql.Connection;
import org.junit.jupiter.api.Test;

/**
 * Any XADataSource joins by configuration alone: its class name and bean properties. H2's stands
 * in for a database Assent has no profile for.
 */
class GenericXaDataSourceTest {

    @Test
    void anXaDataSourceNamedByClassTakesPartInTwoPhaseCommit() throws Exception {
        TestDatabase known = new TestDatabase("h2", "jdbc:h2:mem:generic-a;DB_CLOSE_DELAY=-1", "sa", "", "sa", "");
        TestDatabase other = new TestDatabase("h2", "jdbc:h2:mem:generic-b;DB_CLOSE_DELAY=-1", "sa", "", "sa", "");
        Bank.reset(known, 100);
        Bank.reset(other, 100);
        VoteRecorder votes = new VoteRecorder();
        try (AssentTransactionManager tm = Managers.inMemory("generic", votes);
                AssentDataSource a = AssentDataSources.h2(tm)
                        .name("known")
                        .url(known.url())
                        .user("sa")
                        .password("")
                        .build();
                AssentDataSource b = AssentDataSources.xa(tm, "SomeDb", "org.h2.jdbcx.JdbcDataSource")
                        .name("configured")
                        .property("url", other.url())
                        .property("user", "sa")
                        .property("password", "")
                        .build()) {
            tm.begin();
            try (Connection from = a.getConnection();
                    Connection to = b.getConnection()) {
                Bank.add(from, -30);
                Bank.add(to, 30);
            }
            tm.commit();

            assertThat(Bank.balance(known, 1)).isEqualTo(70);
            assertThat(Bank.balance(other, 1)).isEqualTo(130);
            assertThat(votes.enlisted).containsExactly("known", "configured");
            assertThat(b.name()).isEqualTo("configured");
            assertThat(b.isWrapperFor(AssentDataSource.class)).isTrue();
            assertThat(b.unwrap(AssentDataSource.class)).isSameAs(b);
        }
    }

    @Test
    void aMissingDriverClassIsExplained() {
        try (AssentTransactionManager tm = Managers.inMemory("generic-missing")) {
            assertThatThrownBy(() -> AssentDataSources.xa(tm, "Nope", "com.example.NoSuchXADataSource")
                            .name("nope")
                            .url("jdbc:nope:x")
                            .build())
                    .isInstanceOf(DatabaseNotReadyException.class)
                    .hasMessageContaining("'nope'")
                    .hasMessageContaining("is the driver on the class path?");
        }
    }

    @Test
    void settingsAreCheckedBeforeAnythingStarts() {
        try (AssentTransactionManager tm = Managers.inMemory("generic-settings")) {
            assertThatThrownBy(
                            () -> AssentDataSources.h2(tm).url("jdbc:h2:mem:x").build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs a name");
            assertThatThrownBy(() -> AssentDataSources.h2(tm).name("x").build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs a url");
            assertThatThrownBy(() -> AssentDataSources.h2(tm)
                            .name("x")
                            .url("jdbc:h2:mem:x")
                            .maxPoolSize(2)
                            .minPoolSize(3)
                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("minPoolSize 3");
            assertThatThrownBy(() -> AssentDataSources.h2(tm)
                            .name("x")
                            .url("jdbc:h2:mem:x")
                            .acquisitionTimeout(java.time.Duration.ZERO)
                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("positive acquisitionTimeout");
        }
    }
}
