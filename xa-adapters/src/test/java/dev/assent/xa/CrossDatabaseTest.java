package dev.assent.xa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.assent.tm.AssentTransactionManager;
import dev.assent.tm.spi.TransactionListener.Vote;
import dev.assent.xa.support.Bank;
import dev.assent.xa.support.ChildJvm;
import dev.assent.xa.support.CrashingTransfer;
import dev.assent.xa.support.CrashingTransfer.CrashPoint;
import dev.assent.xa.support.Managers;
import dev.assent.xa.support.MariaDbServer;
import dev.assent.xa.support.PostgresServer;
import dev.assent.xa.support.Servers;
import dev.assent.xa.support.TestDatabase;
import dev.assent.xa.support.VoteRecorder;
import jakarta.transaction.RollbackException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Money moves between accounts in different databases (PostgreSQL, MariaDB, H2) in one
 * transaction; whatever happens, the total stays the same and nothing is left prepared.
 */
@Tag("database")
@ExtendWith(Servers.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossDatabaseTest {
    private TestDatabase postgres;
    private TestDatabase mariadb;
    private TestDatabase h2;
    private Path h2Directory;
    private final List<AutoCloseable> opened = new ArrayList<>();

    @TempDir
    Path temp;

    @BeforeAll
    void createDatabases(PostgresServer postgresServer, MariaDbServer mariaDbServer) throws Exception {
        postgres = postgresServer.createDatabase("cross_pg");
        mariadb = mariaDbServer.createDatabase("cross_maria");
        h2Directory = Files.createTempDirectory("assent-cross-h2-");
        h2 = new TestDatabase("h2", "jdbc:h2:file:" + h2Directory.resolve("cross"), "sa", "", "sa", "");
    }

    @AfterAll
    void deleteH2() throws Exception {
        try (var files = Files.list(h2Directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(h2Directory);
    }

    @BeforeEach
    void openAccounts() throws SQLException {
        Bank.reset(postgres, 100);
        Bank.reset(mariadb, 100);
        Bank.reset(h2, 100);
    }

    @AfterEach
    void closeEverything() throws Exception {
        Collections.reverse(opened);
        for (AutoCloseable each : opened) {
            each.close();
        }
        opened.clear();
    }

    private <T extends AutoCloseable> T keep(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    private AssentDataSource source(AssentTransactionManager tm, TestDatabase db, String name) {
        return keep(CrashingTransfer.builder(tm, db).name(name).maxPoolSize(2).build());
    }

    private long total() throws SQLException {
        return Bank.balance(postgres, 1) + Bank.balance(mariadb, 1) + Bank.balance(h2, 1);
    }

    @Test
    void postgresAndMariaDbCommitTogether() throws Exception {
        VoteRecorder votes = new VoteRecorder();
        AssentTransactionManager tm = keep(Managers.inMemory("cross-1", votes));
        AssentDataSource pg = source(tm, postgres, "pg");
        AssentDataSource maria = source(tm, mariadb, "maria");

        tm.begin();
        try (Connection from = pg.getConnection();
                Connection to = maria.getConnection()) {
            Bank.add(from, -10);
            Bank.add(to, 10);
        }
        tm.commit();

        assertThat(Bank.balance(postgres, 1)).isEqualTo(90);
        assertThat(Bank.balance(mariadb, 1)).isEqualTo(110);
        assertThat(votes.votes).containsExactly(Vote.YES, Vote.YES);
        assertThat(PostgresContractTest.strings(postgres, "SELECT gid FROM pg_prepared_xacts"))
                .isEmpty();
        assertThat(MariaDbContractTest.strings(mariadb, "XA RECOVER", 4)).isEmpty();
    }

    @Test
    void h2AndPostgresCommitTogether() throws Exception {
        AssentTransactionManager tm = keep(Managers.inMemory("cross-2"));
        AssentDataSource embedded = source(tm, h2, "h2");
        AssentDataSource pg = source(tm, postgres, "pg");

        tm.begin();
        try (Connection from = embedded.getConnection();
                Connection to = pg.getConnection()) {
            Bank.add(from, -25);
            Bank.add(to, 25);
        }
        tm.commit();

        assertThat(Bank.balance(h2, 1)).isEqualTo(75);
        assertThat(Bank.balance(postgres, 1)).isEqualTo(125);
        assertThat(total()).isEqualTo(300);
    }

    /**
     * Scenario: PostgreSQL and MariaDB in one transaction; the MariaDB session is killed before
     * commit. Expected: MariaDB cannot end its branch, the transaction rolls back, PostgreSQL's
     * debit is undone, the total is unchanged.
     */
    @Test
    void aFailingSecondDatabaseRollsBackTheFirst() throws Exception {
        AssentTransactionManager tm = keep(Managers.inMemory("cross-3"));
        AssentDataSource pg = source(tm, postgres, "pg");
        AssentDataSource maria = source(tm, mariadb, "maria");

        tm.begin();
        String victim;
        try (Connection from = pg.getConnection();
                Connection to = maria.getConnection()) {
            Bank.add(from, -10);
            Bank.add(to, 10);
            victim = Bank.sessionId(to, "mariadb");
        }
        mariadb.execute("KILL " + victim);
        assertThatThrownBy(tm::commit).isInstanceOf(RollbackException.class);

        assertThat(Bank.balance(postgres, 1)).isEqualTo(100);
        assertThat(Bank.balance(mariadb, 1)).isEqualTo(100);
        assertThat(PostgresContractTest.strings(postgres, "SELECT gid FROM pg_prepared_xacts"))
                .isEmpty();
        assertThat(MariaDbContractTest.strings(mariadb, "XA RECOVER", 4)).isEmpty();
        assertThat(pg.status().active() + maria.status().active()).isZero();
    }

    @Test
    void crashAfterPrepareAcrossThreeDatabasesConservesTheTotal() throws Exception {
        crashAndRecover(CrashPoint.AFTER_PREPARE, 100, 100, 100);
    }

    @Test
    void crashAfterTheDecisionAcrossThreeDatabasesConservesTheTotal() throws Exception {
        crashAndRecover(CrashPoint.AFTER_DECISION, 80, 110, 110);
    }

    /**
     * Scenario: a child JVM moves 20 out of PostgreSQL, 10 into MariaDB and 10 into H2, and halts at
     * {@code point}; the servers stay up and a new manager on the same log recovers. Expected:
     * balances as the log decided, total 300, nothing prepared anywhere.
     */
    private void crashAndRecover(CrashPoint point, long expectedPg, long expectedMaria, long expectedH2)
            throws Exception {
        String nodeId = "cross-crash-" + point.ordinal();
        Path log = Files.createDirectories(temp.resolve("log-" + nodeId));
        List<String> args = new ArrayList<>(List.of(nodeId, log.toString(), point.name()));
        args.addAll(CrashingTransfer.describe(postgres, "pg"));
        args.addAll(CrashingTransfer.describe(mariadb, "maria"));
        args.addAll(CrashingTransfer.describe(h2, "h2"));

        ChildJvm.Outcome child = ChildJvm.run(temp, CrashingTransfer.class, args);
        assertThat(child.exitCode()).as(child.output()).isEqualTo(CrashingTransfer.CRASHED);
        assertThat(PostgresContractTest.strings(postgres, "SELECT gid FROM pg_prepared_xacts"))
                .hasSize(1);
        assertThat(MariaDbContractTest.strings(mariadb, "XA RECOVER", 4)).hasSize(1);

        AssentTransactionManager tm = keep(Managers.durable(nodeId, log));
        source(tm, postgres, "pg");
        source(tm, mariadb, "maria");
        source(tm, h2, "h2");
        tm.recover();

        assertThat(Bank.balance(postgres, 1)).isEqualTo(expectedPg);
        assertThat(Bank.balance(mariadb, 1)).isEqualTo(expectedMaria);
        assertThat(Bank.balance(h2, 1)).isEqualTo(expectedH2);
        assertThat(total()).isEqualTo(300);
        assertThat(PostgresContractTest.strings(postgres, "SELECT gid FROM pg_prepared_xacts"))
                .isEmpty();
        assertThat(MariaDbContractTest.strings(mariadb, "XA RECOVER", 4)).isEmpty();
        assertThat(H2ContractTest.strings(h2, "SELECT TRANSACTION_NAME FROM INFORMATION_SCHEMA.IN_DOUBT"))
                .isEmpty();
        assertThat(tm.recover().isComplete()).isTrue();
    }
}
