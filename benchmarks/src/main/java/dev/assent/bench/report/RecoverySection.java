package dev.assent.bench.report;

import dev.assent.bench.recovery.RecoveryTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The recovery benchmark's section of {@code results.md}: how the crash state is made, what is
 * timed, and the median of each manager and resource commit mode. Kept between two marker comments
 * so that a later recovery run replaces it and a coordinator report keeps it.
 */
public final class RecoverySection {
    static final String START = "<!-- recovery: start -->";
    static final String END = "<!-- recovery: end -->";

    private RecoverySection() {}

    /** The section, markers included, for these rows (runs and medians, as recovery.csv holds them). */
    public static String markdown(List<RecoveryMeasurement> rows) {
        return markdown(rows, Optional.empty());
    }

    /** The section with the machine the recovery run recorded, when it did. */
    public static String markdown(List<RecoveryMeasurement> rows, Optional<RunMachine> machine) {
        List<RecoveryMeasurement> medians =
                rows.stream().filter(RecoveryMeasurement::isMedian).toList();
        StringBuilder md = new StringBuilder(START).append('\n');
        md.append("## Recovery after a crash\n\n");
        int transactions = medians.isEmpty() ? 0 : medians.get(0).transactions();
        md.append("How long a restarted manager takes to finish ")
                .append(String.format(Locale.ROOT, "%,d", transactions))
                .append(" in-doubt transactions a crash left behind, each with a prepared branch in each of two ")
                .append("resource managers (")
                .append(String.format(Locale.ROOT, "%,d", 2L * transactions))
                .append(" branches), until every branch is committed and none is prepared. Median of the runs; ")
                .append("every run crashes afresh and recovers in a fresh JVM (`RecoveryTimeBenchmark`).\n\n");
        machine.ifPresent(m -> md.append("The machine of the recovery run:\n\n")
                .append(m.markdown("logs and stores"))
                .append('\n'));
        md.append("- **The crash** (`CrashingRun`, a JVM of its own): every transaction enlists two resources ")
                .append("backed by durable append-only stores; both prepare for real (a forced record) and vote ")
                .append("yes, so the manager forces its commit decision to its log; phase two then finds both ")
                .append("resource managers unreachable (`XAER_RMFAIL`, nothing recorded), so the decision stays ")
                .append("in the log and both branches are owed to recovery. The last transaction halts the JVM ")
                .append("(`Runtime.halt`) at its first phase-two `commit`, right after its decision was forced.\n");
        md.append("- **What is timed** (`RecoveringRun`): from the first call into the manager until its ")
                .append("recovery returns; the stores are opened before (the databases are already up) and ")
                .append("checked after (every branch committed, none prepared). *Open* is opening and reading ")
                .append("the log, *scan* the recovery scan's own work, *wait* a deliberate pause inside the scan.\n");
        for (RecoveryTarget target : RecoveryTarget.values()) {
            md.append("  - `").append(target.id()).append("`: ").append(target.recoverySettings());
            md.append(
                    switch (target) {
                        case ASSENT_FILE ->
                            "; open: `build()` until the scan asks the first resource (log open,"
                                    + " replay, start-up); scan: until the scan's `recovered` report.\n";
                        case NARAYANA_JOURNAL, NARAYANA_SHADOW ->
                            "; open: store opened and recovery manager"
                                    + " started; scan: both passes of every module (XA module lists, atomic-action"
                                    + " module commits); wait: the back-off between the passes.\n";
                    });
        }
        md.append("- **Resources' commit**: `forced`: each `commit` forces its record before it returns, as a ")
                .append("database's `COMMIT PREPARED` does (recovery commits one branch after another, so the ")
                .append("resources' forces set the pace); `written`: the record is only written (forced when the ")
                .append("store closes), so what is left is the manager's own cost.\n\n");
        if (medians.isEmpty()) {
            md.append("No recovery result.\n");
        } else {
            md.append("| manager | resources' commit | total ms | branches/s | open ms | scan ms | wait ms |")
                    .append(" total without wait, ms | every run, total ms |\n");
            md.append("|---|---|---:|---:|---:|---:|---:|---:|---|\n");
            for (RecoveryMeasurement m : medians) {
                String runs = rows.stream()
                        .filter(r -> !r.isMedian()
                                && r.manager().equals(m.manager())
                                && r.resourceCommit().equals(m.resourceCommit()))
                        .map(r -> number(r.totalMs()))
                        .collect(Collectors.joining(", "));
                md.append("| `")
                        .append(m.manager())
                        .append("` | ")
                        .append(m.resourceCommit())
                        .append(" | ")
                        .append(number(m.totalMs()))
                        .append(" | ")
                        .append(number(m.branchesPerSecond()))
                        .append(" | ")
                        .append(number(m.openMs()))
                        .append(" | ")
                        .append(number(m.scanMs()))
                        .append(" | ")
                        .append(number(m.waitMs()))
                        .append(" | ")
                        .append(number(m.totalMs() - m.waitMs()))
                        .append(" | ")
                        .append(runs)
                        .append(" |\n");
            }
        }
        md.append('\n').append(END).append('\n');
        return md.toString();
    }

    /**
     * Puts {@code section} into {@code resultsMd}: in place of an earlier recovery section, else at
     * the end; a missing file is created with a heading and the machine.
     */
    public static void writeInto(Path resultsMd, String section, RunMachine machine, String title) throws IOException {
        String md;
        if (Files.exists(resultsMd)) {
            md = Files.readString(resultsMd, StandardCharsets.UTF_8);
            int start = md.indexOf(START);
            int end = md.indexOf(END);
            if (start >= 0 && end > start) {
                md = md.substring(0, start)
                        + section
                        + md.substring(end + END.length()).replaceFirst("^\n", "");
            } else {
                md = md + (md.endsWith("\n\n") ? "" : md.endsWith("\n") ? "\n" : "\n\n") + section;
            }
        } else {
            md = "# Recovery time (" + title + ")\n\n## Machine\n\n" + machine.markdown("logs and stores") + "\n"
                    + section;
        }
        Files.writeString(resultsMd, md, StandardCharsets.UTF_8);
    }

    private static String number(double value) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%,.0f", value) : "–";
    }
}
