package dev.assent.samples.transfer;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Properties;

/**
 * Which two databases a data directory's transaction log belongs to, recorded in
 * {@code transfer.setup} by the first run. The log names its branches' resources "bank-a" and
 * "bank-b" whatever databases they are; a run on other databases under the same log would
 * register other resources under those names, and recovery, seeing them not list the crashed
 * run's prepared branches, would take the commits it owes for done. The crashed databases would
 * then have their branches presumed aborted by a later run, although the decision was commit.
 * So a data directory serves one pair of databases, and another pair is refused before anything
 * starts.
 */
final class DataDirSetup {
    static final String FILE = "transfer.setup";
    private static final String KEY = "databases";

    private DataDirSetup() {}

    /** The databases the options name, spelled the same way whatever the command line's spelling. */
    static String describe(TransferOptions options) {
        return switch (options.setup()) {
            case EXTERNAL ->
                "--url-a " + options.externalA().databaseKey() + " --url-b "
                        + options.externalB().databaseKey();
            case H2, POSTGRES, MARIADB, MIXED ->
                "--db " + options.setup().name().toLowerCase(Locale.ROOT);
        };
    }

    /**
     * Records the options' databases in {@code dir} on its first run; refuses a run on other
     * databases than those recorded. Called with the data directory locked.
     */
    static void check(TransferOptions options, Path dir) throws IOException, RunRefused {
        Path file = dir.resolve(FILE);
        String wanted = describe(options);
        if (Files.exists(file)) {
            Properties recorded = new Properties();
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                recorded.load(in);
            }
            String earlier = recorded.getProperty(KEY, "");
            if (!earlier.equals(wanted)) {
                throw new RunRefused(String.format(
                        Locale.ROOT,
                        "%s holds the transaction log of runs with %s, which may still owe those databases"
                                + " commits; run with %s there, or give this run (%s) another --data-dir",
                        dir,
                        earlier,
                        earlier,
                        wanted));
            }
            return;
        }
        Properties setup = new Properties();
        setup.setProperty(KEY, wanted);
        Path temporary = file.resolveSibling(FILE + ".new");
        try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            setup.store(out, "The databases this data directory's transaction log belongs to");
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
