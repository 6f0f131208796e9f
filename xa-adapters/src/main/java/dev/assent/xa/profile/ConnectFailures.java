package dev.assent.xa.profile;

import java.sql.SQLException;

/** Turns a failed login or connect into one sentence that names the DataSource and the fix. */
public final class ConnectFailures {
    private ConnectFailures() {}

    /**
     * Reads the SQLState class: 28 (authorization) means wrong user or password, 08 (connection)
     * means the server cannot be reached, 3D means no such database; anything else is reported
     * with the driver's own words.
     */
    public static String explain(String product, DatabaseTarget target, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = "DataSource '" + target.name() + "' cannot ";
        String said = firstSentence(e.getMessage()) + " (SQLState " + (state.isEmpty() ? "none" : state) + ")";
        if (state.startsWith("28")) {
            return where + "log in to " + product + " at " + target.url() + " as '" + target.user() + "': " + said
                    + "; check the user and password.";
        } else if (state.startsWith("08")) {
            return where + "reach " + product + " at " + target.url() + ": " + said
                    + "; check the host, port and that the server is running.";
        } else if (state.equals("3D000")) {
            return where + "open the database named in " + target.url() + ": " + said + "; create it or fix the URL.";
        }
        return where + "connect to " + product + " at " + target.url() + ": " + said + ".";
    }

    /** The driver's first sentence, without its full stop, so that ours stays one sentence. */
    static String firstSentence(String message) {
        if (message == null || message.isBlank()) {
            return "no message";
        }
        String first = message.strip();
        int newline = first.indexOf('\n');
        if (newline >= 0) {
            first = first.substring(0, newline).strip();
        }
        int stop = first.indexOf(". ");
        if (stop >= 0) {
            first = first.substring(0, stop);
        }
        return first.endsWith(".") ? first.substring(0, first.length() - 1) : first;
    }
}
