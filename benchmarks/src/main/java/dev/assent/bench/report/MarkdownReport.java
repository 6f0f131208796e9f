package dev.assent.bench.report;

import dev.assent.bench.managers.Manager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/** The human-readable report: what was run, on what, the table with ratios, the physical limit. */
final class MarkdownReport {
    private MarkdownReport() {}

    /**
     * @param run what the heading says about this run, e.g. "2026-05-04, quick"
     * @param chartFile the PNG's file name, linked from the report
     */
    static void write(
            Comparison comparison, JmhResults jmh, RunMachine machine, String run, String chartFile, Path file)
            throws IOException {
        StringBuilder md = new StringBuilder();
        md.append("# Coordinator overhead: Assent, Narayana, Atomikos, Geronimo (")
                .append(run)
                .append(")\n\n");
        md.append("Each operation: `begin`, enlist two no-op `XAResource`s of different resource managers (both vote ")
                .append("`XA_OK`), `commit` (two-phase: prepare both, force the commit decision to the log, commit ")
                .append("both). Every manager logs durably to a fresh directory on the same disk, except ")
                .append("`assent-memory` (no fsync: the CPU ceiling). Each manager runs in its own JVM fork.\n\n");
        machine(md, jmh, machine);
        managers(md, comparison);
        throughput(md, comparison);
        physicalLimit(md, comparison);
        missing(md, comparison);
        md.append("![throughput against threads](").append(chartFile).append(")\n");
        Files.writeString(file, md.toString(), StandardCharsets.UTF_8);
    }

    private static void machine(StringBuilder md, JmhResults jmh, RunMachine machine) {
        md.append("## Machine\n\n");
        md.append(machine.markdown("logs"));
        md.append("- JMH forks: ")
                .append(jmh.jvm().isEmpty() ? "JVM unknown" : jmh.jvm())
                .append("; fork arguments `")
                .append(jmh.jvmArgs())
                .append("`\n");
        if (!jmh.iterationsNote().isEmpty()) {
            md.append("- JMH: ").append(jmh.iterationsNote()).append('\n');
        }
        md.append('\n');
    }

    private static void managers(StringBuilder md, Comparison comparison) {
        md.append("## Managers\n\n");
        for (Manager m : Manager.values()) {
            md.append("- `").append(m.id()).append("`: ").append(m.settings()).append('\n');
        }
        md.append('\n');
    }

    private static void throughput(StringBuilder md, Comparison comparison) {
        List<Integer> threads = comparison.threadCounts();
        if (threads.isEmpty()) {
            md.append("No coordinator result.\n\n");
            return;
        }
        md.append("## Throughput\n\n");
        md.append("Transactions per second: median of the measurement iterations, ± JMH's 99.9% error; ")
                .append("in brackets the ratio to the best peer (Narayana, Atomikos, Geronimo) at that thread ")
                .append("count.\n\n");
        md.append("| manager |");
        threads.forEach(t -> md.append(' ').append(t).append(t == 1 ? " thread |" : " threads |"));
        md.append("\n|---|");
        threads.forEach(t -> md.append("---:|"));
        md.append('\n');
        for (String manager : comparison.managers()) {
            md.append("| ").append(label(manager)).append(" |");
            for (int t : threads) {
                md.append(' ').append(cell(comparison, manager, t)).append(" |");
            }
            md.append('\n');
        }
        md.append("| *best peer* |");
        for (int t : threads) {
            Optional<Measurement> best = comparison.bestPeer(t);
            md.append(' ')
                    .append(best.map(b -> "*" + b.series() + "*").orElse("–"))
                    .append(" |");
        }
        md.append("\n\n");
    }

    private static String cell(Comparison comparison, String manager, int threads) {
        Optional<Measurement> result = comparison.result(manager, threads);
        if (result.isEmpty()) {
            return "–";
        }
        Measurement m = result.get();
        StringBuilder cell = new StringBuilder(number(m.median()));
        if (Double.isFinite(m.error())) {
            cell.append(" ± ").append(number(m.error()));
        }
        OptionalDouble ratio = comparison.ratioToBestPeer(m);
        if (ratio.isPresent()) {
            cell.append(String.format(Locale.ROOT, " (%.2f×)", ratio.getAsDouble()));
        }
        return cell.toString();
    }

    private static void physicalLimit(StringBuilder md, Comparison comparison) {
        if (comparison.fsync().isEmpty()) {
            return;
        }
        md.append("## Physical limit\n\n");
        md.append("One writer, a 256-byte write then `FileChannel.force(false)`, as many times a second as the ")
                .append("disk allows. A manager forcing once per transaction cannot beat this; one sharing each ")
                .append("force among concurrent commits (group commit) can.\n\n");
        md.append("| file | forces per second |\n|---|---:|\n");
        for (Measurement m : comparison.fsync()) {
            md.append("| ").append(m.series()).append(" | ").append(number(m.median()));
            if (Double.isFinite(m.error())) {
                md.append(" ± ").append(number(m.error()));
            }
            md.append(" |\n");
        }
        md.append('\n');
    }

    private static void missing(StringBuilder md, Comparison comparison) {
        List<Manager> missing = comparison.missing();
        if (missing.isEmpty()) {
            return;
        }
        md.append("No result for: ")
                .append(missing.stream().map(m -> "`" + m.id() + "`").collect(Collectors.joining(", ")))
                .append(" (the benchmark failed or was not run; the JMH log says why).\n\n");
    }

    private static String label(String manager) {
        return Manager.byId(manager)
                .map(m -> "`" + m.id() + "` " + m.description())
                .orElse("`" + manager + "`");
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }
}
