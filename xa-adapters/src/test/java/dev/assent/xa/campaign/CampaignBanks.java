package dev.assent.xa.campaign;

import dev.assent.xa.support.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The two banks of the crash campaign: their schema, the SQL one transfer runs in each, and what
 * the parent reads behind the children's backs to check them.
 *
 * <p>Each bank has {@code account} (balances, never negative: a CHECK constraint) and {@code
 * transfer_ledger} (one row per transfer that touched the bank: the transfer's id, the amount
 * as the bank saw it, signed, and the account). So each bank can be checked against itself
 * (every balance is its opening balance plus its ledger rows) and against the other bank (the
 * same transfer ids, with opposite amounts).
 */
final class CampaignBanks {
    static final int ACCOUNTS = 8;
    static final long OPENING_BALANCE = 1_000_000;
    private static final String NOT_NEGATIVE = "balance_not_negative";

    private CampaignBanks() {}

    /** Creates both tables in {@code db} and opens the accounts; run once per campaign. */
    static void create(TestDatabase db) throws SQLException {
        String engine = db.kind().equals("mariadb") ? " ENGINE=InnoDB" : "";
        List<String> sql = new ArrayList<>(List.of(
                "DROP TABLE IF EXISTS transfer_ledger",
                "DROP TABLE IF EXISTS account",
                "CREATE TABLE account (id INT PRIMARY KEY, balance BIGINT NOT NULL," + " CONSTRAINT " + NOT_NEGATIVE
                        + " CHECK (balance >= 0))" + engine,
                "CREATE TABLE transfer_ledger (transfer_id BIGINT PRIMARY KEY, amount BIGINT NOT NULL,"
                        + " account INT NOT NULL)" + engine));
        for (int id = 1; id <= ACCOUNTS; id++) {
            sql.add("INSERT INTO account (id, balance) VALUES (" + id + ", " + OPENING_BALANCE + ")");
        }
        db.execute(sql.toArray(String[]::new));
    }

    /** True when {@code e} is the CHECK constraint refusing a negative balance (both servers name it). */
    static boolean isOverdraft(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains(NOT_NEGATIVE);
    }

    /** One bank's half of a transfer: moves {@code amount} (signed) into {@code account} and records it. */
    static void book(Connection connection, long transferId, int account, long amount) throws SQLException {
        try (PreparedStatement update =
                connection.prepareStatement("UPDATE account SET balance = balance + ? WHERE id = ?")) {
            update.setLong(1, amount);
            update.setInt(2, account);
            if (update.executeUpdate() != 1) {
                throw new SQLException("account " + account + " is missing");
            }
        }
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO transfer_ledger (transfer_id, amount, account) VALUES (?, ?, ?)")) {
            insert.setLong(1, transferId);
            insert.setLong(2, amount);
            insert.setInt(3, account);
            insert.executeUpdate();
        }
    }

    /** The committed state of one bank, read by its administrator. */
    record Snapshot(Map<Integer, Long> balances, Map<Integer, Long> ledgerSums, Map<Long, Long> ledger) {
        long total() {
            return balances.values().stream().mapToLong(Long::longValue).sum();
        }

        long ledgerTotal() {
            return ledgerSums.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Accounts whose balance is not their opening balance plus their ledger rows, one line each. */
        List<String> disagreements() {
            List<String> lines = new ArrayList<>();
            for (Map.Entry<Integer, Long> account : balances.entrySet()) {
                long booked = ledgerSums.getOrDefault(account.getKey(), 0L);
                if (account.getValue() != OPENING_BALANCE + booked) {
                    lines.add("account " + account.getKey() + " holds " + account.getValue() + ", its ledger says "
                            + (OPENING_BALANCE + booked));
                }
            }
            for (Integer account : ledgerSums.keySet()) {
                if (!balances.containsKey(account)) {
                    lines.add("ledger rows name account " + account + ", which does not exist");
                }
            }
            return lines;
        }
    }

    static Snapshot snapshot(TestDatabase db) throws SQLException {
        try (Connection connection = db.admin();
                Statement statement = connection.createStatement()) {
            // one consistent view of both tables, whatever runs beside
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            connection.setAutoCommit(false);
            Map<Integer, Long> balances = new HashMap<>();
            try (ResultSet rs = statement.executeQuery("SELECT id, balance FROM account")) {
                while (rs.next()) {
                    balances.put(rs.getInt(1), rs.getLong(2));
                }
            }
            Map<Integer, Long> sums = new HashMap<>();
            Map<Long, Long> ledger = new HashMap<>();
            try (ResultSet rs = statement.executeQuery("SELECT transfer_id, amount, account FROM transfer_ledger")) {
                while (rs.next()) {
                    ledger.put(rs.getLong(1), rs.getLong(2));
                    sums.merge(rs.getInt(3), rs.getLong(2), Long::sum);
                }
            }
            connection.commit();
            return new Snapshot(balances, sums, ledger);
        }
    }

    /** Branches left prepared in {@code db}, by global transaction id as the server lists them. */
    static List<String> prepared(TestDatabase db) throws SQLException {
        String sql = db.kind().equals("mariadb") ? "XA RECOVER" : "SELECT gid FROM pg_prepared_xacts";
        List<String> found = new ArrayList<>();
        try (Connection connection = db.admin();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            int column = db.kind().equals("mariadb") ? 4 : 1;
            while (rs.next()) {
                found.add(rs.getString(column));
            }
        }
        return found;
    }

    /** The children's sessions the server still has, one line each, for messages. */
    static List<String> childSessionDetails(TestDatabase db) throws SQLException {
        String sql = db.kind().equals("mariadb")
                ? "SELECT ID, COMMAND, TIME, STATE, INFO FROM information_schema.PROCESSLIST WHERE USER = '" + db.user()
                        + "'"
                : "SELECT pid, state, backend_start, wait_event, query FROM pg_stat_activity WHERE usename = '"
                        + db.user() + "'";
        List<String> found = new ArrayList<>();
        try (Connection connection = db.admin();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                found.add(db.kind() + " session " + rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3)
                        + " " + rs.getString(4) + " " + rs.getString(5));
            }
        }
        return found;
    }

    /** Sessions the children opened that the server still has (a killed child's, until it notices). */
    static int childSessions(TestDatabase db) throws SQLException {
        String sql = db.kind().equals("mariadb")
                ? "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + db.user() + "'"
                : "SELECT COUNT(*) FROM pg_stat_activity WHERE usename = '" + db.user() + "'";
        try (Connection connection = db.admin();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
