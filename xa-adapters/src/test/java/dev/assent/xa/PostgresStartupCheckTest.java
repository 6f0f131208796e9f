package dev.assent.xa;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.xa.profile.DatabaseNotReadyException;
import dev.assent.xa.support.CrashingTransfer;
import dev.assent.xa.support.Managers;
import dev.assent.xa.support.PostgresServer;
import dev.assent.xa.support.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A PostgreSQL server left with its default max_prepared_transactions = 0 is refused at start. */
@Tag("database")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresStartupCheckTest {
    private PostgresServer server;

    @BeforeAll
    void startServerThatCannotPrepare() {
        server = PostgresServer.start(0);
    }

    @AfterAll
    void stopServer() throws Exception {
        server.close();
    }

    @Test
    void refusesAServerThatCannotPrepareInOneSentence() {
        TestDatabase db = server.createDatabase("cannot_prepare");
        try (AssentTransactionManager tm = Managers.inMemory("pg-check")) {
            assertThatThrownBy(() ->
                            CrashingTransfer.builder(tm, db).name("bank-a").build())
                    .isInstanceOf(DatabaseNotReadyException.class)
                    .hasMessageContaining("max_prepared_transactions = 0")
                    .hasMessageContaining("'bank-a'")
                    .satisfies(e -> XaDataSourceContract.assertOneSentence(e.getMessage()));
        }
    }
}
