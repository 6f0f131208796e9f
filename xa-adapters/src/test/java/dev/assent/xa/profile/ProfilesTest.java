package dev.assent.xa.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.transaction.xa.XAException;
import org.junit.jupiter.api.Test;

/** Each profile reads its driver's XAExceptions as observed against the real servers. */
class ProfilesTest {

    private static XAException driver(int code, String sqlState, int vendorCode) {
        XAException e = new XAException("driver message");
        e.errorCode = code;
        if (sqlState != null) {
            e.initCause(new SQLException("sql message", sqlState, vendorCode));
        }
        return e;
    }

    private static int read(DatabaseProfile profile, XaVerb verb, XAException e) {
        XAException normal = profile.normalise(verb, e);
        assertThat(normal.errorCode).as("never code 0").isNotZero();
        assertThat(normal.getMessage()).isNotBlank();
        return normal.errorCode;
    }

    @Test
    void h2CodeZeroIsReadFromTheSqlCause() {
        H2Profile h2 = new H2Profile();
        assertThat(read(h2, XaVerb.COMMIT, driver(0, "90129", 90129)))
                .as("transaction not found")
                .isEqualTo(XAException.XAER_NOTA);
        assertThat(read(h2, XaVerb.ROLLBACK, driver(0, "90098", 90098)))
                .as("database closed")
                .isEqualTo(XAException.XAER_RMFAIL);
        assertThat(read(h2, XaVerb.PREPARE, driver(0, "23505", 23505))).isEqualTo(XAException.XA_RBINTEGRITY);
        assertThat(read(h2, XaVerb.PREPARE, driver(0, "HY000", 50000))).isEqualTo(XAException.XAER_RMERR);
        assertThat(read(h2, XaVerb.PREPARE, driver(0, null, 0))).isEqualTo(XAException.XAER_RMERR);
        assertThat(read(h2, XaVerb.COMMIT, driver(0, "HY000", 50000)))
                .as("H2 has no heuristic completion: unknown, retried")
                .isEqualTo(XAException.XAER_RMFAIL);
        assertThat(read(h2, XaVerb.START, driver(XAException.XAER_NOTA, null, 0)))
                .isEqualTo(XAException.XAER_NOTA);
        assertThat(h2.suspendMode()).isEqualTo(SuspendMode.NATIVE);
    }

    @Test
    void postgresKilledBackendAtCommitIsUnknownNotAHeuristicRollback() {
        PostgresProfile pg = new PostgresProfile();
        assertThat(read(pg, XaVerb.COMMIT, driver(XAException.XAER_RMERR, "57P01", 0)))
                .isEqualTo(XAException.XAER_RMFAIL);
        assertThat(read(pg, XaVerb.COMMIT, driver(XAException.XAER_NOTA, "42704", 0)))
                .isEqualTo(XAException.XAER_NOTA);
        assertThat(read(pg, XaVerb.ROLLBACK, driver(XAException.XAER_RMERR, "57P01", 0)))
                .as("the branch may still be prepared")
                .isEqualTo(XAException.XAER_RMFAIL);
        assertThat(read(pg, XaVerb.ROLLBACK, driver(XAException.XAER_RMERR, "42501", 0)))
                .isEqualTo(XAException.XAER_RMERR);
        assertThat(read(pg, XaVerb.RECOVER, driver(XAException.XAER_RMERR, "08006", 0)))
                .isEqualTo(XAException.XAER_RMFAIL);
        assertThat(pg.suspendMode()).isEqualTo(SuspendMode.END_AND_JOIN);
    }

    @Test
    void postgresSerializationFailuresAtPrepareOrOnePhaseCommitAreRollbacks() {
        PostgresProfile pg = new PostgresProfile();
        assertThat(read(pg, XaVerb.PREPARE, driver(XAException.XAER_RMFAIL, "40001", 0)))
                .isEqualTo(XAException.XA_RBTRANSIENT);
        assertThat(read(pg, XaVerb.COMMIT_ONE_PHASE, driver(XAException.XAER_RMFAIL, "40P01", 0)))
                .isEqualTo(XAException.XA_RBDEADLOCK);
        assertThat(read(pg, XaVerb.COMMIT_ONE_PHASE, driver(XAException.XAER_RMFAIL, "08006", 0)))
                .as("connection lost during COMMIT: outcome unknown")
                .isEqualTo(XAException.XAER_RMFAIL);
        assertThat(read(pg, XaVerb.PREPARE, driver(XAException.XA_RBINTEGRITY, "23503", 0)))
                .isEqualTo(XAException.XA_RBINTEGRITY);
    }

    @Test
    void mariaDbCodeZeroIsReadFromTheSqlCause() {
        MariaDbProfile maria = new MariaDbProfile();
        assertThat(read(maria, XaVerb.COMMIT, driver(0, "08000", -1)))
                .as("socket error")
                .isEqualTo(XAException.XAER_RMFAIL);
        assertThat(read(maria, XaVerb.END, driver(0, "70100", 1927)))
                .as("connection killed")
                .isEqualTo(XAException.XAER_RMFAIL);
        assertThat(read(maria, XaVerb.PREPARE, driver(0, "40001", 1213))).isEqualTo(XAException.XA_RBDEADLOCK);
        assertThat(read(maria, XaVerb.PREPARE, driver(0, "HY000", 1105))).isEqualTo(XAException.XAER_RMERR);
        assertThat(read(maria, XaVerb.COMMIT, driver(XAException.XAER_RMERR, "XAE03", 1401)))
                .isEqualTo(XAException.XAER_RMFAIL);
        assertThat(read(maria, XaVerb.ROLLBACK, driver(XAException.XAER_NOTA, "XAE04", 1397)))
                .isEqualTo(XAException.XAER_NOTA);
        assertThat(maria.suspendMode()).isEqualTo(SuspendMode.KEEP_ASSOCIATED);
    }

    @Test
    void genericTrustsCodesButNeverCodeZero() {
        GenericProfile generic = new GenericProfile("Db", "com.example.XADataSource");
        assertThat(read(generic, XaVerb.COMMIT, driver(0, "HY000", 1))).isEqualTo(XAException.XAER_RMERR);
        assertThat(read(generic, XaVerb.COMMIT, driver(0, "08S01", 1))).isEqualTo(XAException.XAER_RMFAIL);
        assertThat(read(generic, XaVerb.COMMIT, driver(XAException.XA_HEURRB, null, 0)))
                .isEqualTo(XAException.XA_HEURRB);
        assertThat(generic.product()).isEqualTo("Db");
        assertThat(generic.xaDataSourceClassName()).isEqualTo("com.example.XADataSource");
        assertThat(generic.suspendMode()).isEqualTo(SuspendMode.NATIVE);
    }

    @Test
    void codeNamesAreTheSpecificationsNames() {
        assertThat(XaErrors.nameOf(XAException.XAER_RMFAIL)).isEqualTo("XAER_RMFAIL");
        assertThat(XaErrors.nameOf(XAException.XA_RBINTEGRITY)).isEqualTo("XA_RBINTEGRITY");
        assertThat(XaErrors.nameOf(0)).startsWith("code 0");
        assertThat(XaErrors.nameOf(12345)).isEqualTo("XA code 12345");
        XAException same = XaErrors.of(XAException.XAER_NOTA, "m", null);
        assertThat(XaErrors.recoded(XAException.XAER_NOTA, same)).isSameAs(same);
        assertThat(XaErrors.recoded(XAException.XAER_RMFAIL, same).getCause()).isSameAs(same);
    }

    @Test
    void mariaDbUserWhoMayNotListPreparedBranchesIsRefusedInOneSentence() {
        Connection refusing = connectionFailingWith(new SQLException(
                "Access denied; you need (at least one of) the XA_RECOVER_ADMIN privilege(s) for this operation",
                "42000",
                1227));
        DatabaseTarget target = new DatabaseTarget("bank-m", "jdbc:mariadb://db/bank", "app", 10);

        assertThatThrownBy(() -> new MariaDbProfile().checkReady(refusing, target))
                .isInstanceOf(DatabaseNotReadyException.class)
                .hasMessageContaining("'bank-m'")
                .hasMessageContaining("XA_RECOVER_ADMIN")
                .hasMessageContaining("recoveryUser")
                .satisfies(e -> assertOneSentence(e.getMessage()));
    }

    @Test
    void connectFailuresNameTheFix() {
        DatabaseTarget target = new DatabaseTarget("bank-a", "jdbc:x://db/bank", "app", 10);
        assertThat(ConnectFailures.explain("X", target, new SQLException("FATAL: bad password. Really.", "28P01")))
                .contains("cannot log in to X at jdbc:x://db/bank as 'app': FATAL: bad password (SQLState 28P01)")
                .contains("check the user and password")
                .satisfies(ProfilesTest::assertOneSentence);
        assertThat(ConnectFailures.explain("X", target, new SQLException("refused\nmore", "08001")))
                .contains("cannot reach X")
                .satisfies(ProfilesTest::assertOneSentence);
        assertThat(ConnectFailures.explain("X", target, new SQLException("no such db", "3D000")))
                .contains("create it or fix the URL");
        assertThat(ConnectFailures.explain("X", target, new SQLException((String) null)))
                .contains("no message (SQLState none)")
                .satisfies(ProfilesTest::assertOneSentence);
    }

    static void assertOneSentence(String message) {
        assertThat(message).doesNotContain("\n").endsWith(".");
        assertThat(message.substring(0, message.length() - 1)).doesNotContain(". ");
    }

    /** A connection whose every statement fails with {@code failure}. */
    static Connection connectionFailingWith(SQLException failure) {
        Statement statement = (Statement) Proxy.newProxyInstance(
                ProfilesTest.class.getClassLoader(), new Class<?>[] {Statement.class}, (proxy, method, args) -> {
                    if (method.getName().equals("close")) {
                        return null;
                    }
                    throw failure;
                });
        return (Connection) Proxy.newProxyInstance(
                ProfilesTest.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createStatement")) {
                        return statement;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
