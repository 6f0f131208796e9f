package dev.assent.samples.transfer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * Proves that the two banks are two databases, however their URLs are spelled (a symbolic link, a
 * host's other name, a proxy): a token written in bank A must not be visible from bank B. One
 * database behind both would make every transfer's two branches lock the same row, and each
 * transfer would wait for itself until the lock timed out.
 */
final class DistinctBanks {
    private static final String CREATE_TABLE = "CREATE TABLE IF NOT EXISTS bank_identity (token VARCHAR(36) NOT NULL)";

    private DistinctBanks() {}

    /**
     * @throws IllegalStateException when bank B sees the token just written in bank A
     * @throws SQLException when either bank cannot be written or read
     */
    static void require(Bank bankA, Bank bankB) throws SQLException {
        String token = UUID.randomUUID().toString();
        // Outside a transaction the pools' connections auto-commit, so B could see A's row at once.
        try (Connection a = bankA.connection();
                Statement statement = a.createStatement()) {
            statement.execute(CREATE_TABLE);
            statement.execute("DELETE FROM bank_identity");
            try (PreparedStatement insert = a.prepareStatement("INSERT INTO bank_identity VALUES (?)")) {
                insert.setString(1, token);
                insert.executeUpdate();
            }
        }
        try (Connection b = bankB.connection();
                Statement statement = b.createStatement()) {
            statement.execute(CREATE_TABLE);
            try (PreparedStatement find = b.prepareStatement("SELECT COUNT(*) FROM bank_identity WHERE token = ?")) {
                find.setString(1, token);
                try (ResultSet rows = find.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) > 0) {
                        throw new IllegalStateException(
                                "--url-a and --url-b reach the same database; give two different databases");
                    }
                }
            }
        }
    }
}
