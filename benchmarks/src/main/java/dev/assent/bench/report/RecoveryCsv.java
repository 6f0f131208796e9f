package dev.assent.bench.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code recovery.csv}: one row per timed recovery and one {@code median} row per manager and
 * resource commit mode: {@code manager,resource_commit,transactions,branches,run,total_ms,open_ms,
 * scan_ms,wait_ms,branches_per_s}.
 */
public final class RecoveryCsv {
    public static final String FILE = "recovery.csv";
    /** The machine of the run that wrote {@link #FILE} ({@link RunMachine}). */
    public static final String MACHINE_FILE = "recovery-machine.txt";

    static final String HEADER =
            "manager,resource_commit,transactions,branches,run,total_ms,open_ms,scan_ms,wait_ms,branches_per_s";

    private RecoveryCsv() {}

    public static void write(List<RecoveryMeasurement> rows, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(HEADER + "\n");
            for (RecoveryMeasurement m : rows) {
                out.write(String.join(
                                ",",
                                m.manager(),
                                m.resourceCommit(),
                                Integer.toString(m.transactions()),
                                Long.toString(m.branches()),
                                m.run(),
                                number(m.totalMs()),
                                number(m.openMs()),
                                number(m.scanMs()),
                                number(m.waitMs()),
                                String.format(Locale.ROOT, "%.0f", m.branchesPerSecond()))
                        + "\n");
            }
        }
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws IOException if the file cannot be read or is not a recovery CSV
     */
    public static List<RecoveryMeasurement> read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + " is not a recovery CSV (its first line is not " + HEADER + ")");
        }
        List<RecoveryMeasurement> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] f = lines.get(i).split(",", -1);
            try {
                rows.add(new RecoveryMeasurement(
                        f[0],
                        f[1],
                        Integer.parseInt(f[2]),
                        f[4],
                        Double.parseDouble(f[5]),
                        Double.parseDouble(f[6]),
                        Double.parseDouble(f[7]),
                        Double.parseDouble(f[8])));
            } catch (RuntimeException e) {
                throw new IOException(file + " line " + (i + 1) + " is not a recovery row: " + lines.get(i), e);
            }
        }
        return rows;
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }
}
