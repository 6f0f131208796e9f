package dev.assent.bench.report;

import dev.assent.bench.e2e.E2eReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns JMH JSON files into {@code results.csv}, {@code results.md} and {@code throughput.png}.
 * When the output directory already holds the recovery benchmark's {@code recovery.csv} or the
 * end-to-end benchmark's {@code e2e.csv}, their sections are added to {@code results.md}.
 *
 * <pre>
 * ReportMain --out DIR [--data-dir DIR] [--title TEXT] FILE.json...
 * </pre>
 *
 * {@code --data-dir} is where the benchmarks wrote their logs (the disk described in the report);
 * {@code --title} is what the heading says about the run (date, quick or full).
 */
public final class ReportMain {
    static final String CSV = "results.csv";
    static final String MARKDOWN = "results.md";
    static final String CHART = "throughput.png";

    private ReportMain() {}

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path out = null;
        Path dataDirectory = Path.of(".");
        String title = "";
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--data-dir" -> dataDirectory = Path.of(value(args, ++i, "--data-dir"));
                case "--title" -> title = value(args, ++i, "--title");
                default -> inputs.add(Path.of(args[i]));
            }
        }
        if (out == null || inputs.isEmpty()) {
            throw new IllegalArgumentException(
                    "usage: ReportMain --out DIR [--data-dir DIR] [--title TEXT] FILE.json...");
        }
        List<Path> written = write(inputs, out, dataDirectory, title);
        written.forEach(p -> System.out.println("wrote " + p));
    }

    /** Reads the JMH files and writes the three outputs into {@code out}; returns their paths. */
    public static List<Path> write(List<Path> inputs, Path out, Path dataDirectory, String title) throws IOException {
        JmhResults jmh = JmhResults.read(inputs);
        Comparison comparison = new Comparison(jmh.measurements());
        Files.createDirectories(out);
        Path csv = out.resolve(CSV);
        Path markdown = out.resolve(MARKDOWN);
        Path chart = out.resolve(CHART);
        CsvReport.write(comparison, csv);
        MachineInfo machine = MachineInfo.probe(dataDirectory);
        MarkdownReport.write(comparison, jmh, machine, title, CHART, markdown);
        Path recovery = out.resolve(RecoveryCsv.FILE);
        if (Files.exists(recovery)) {
            RecoverySection.writeInto(markdown, RecoverySection.markdown(RecoveryCsv.read(recovery)), machine, title);
        }
        Path e2e = out.resolve(E2eReport.CSV);
        if (Files.exists(e2e)) {
            E2eReport.writeInto(markdown, E2eReport.markdown(E2eReport.readCsv(e2e), E2eReport.setup(out)), title);
        }
        ThroughputChart.write(comparison, "Two-phase commit of two no-op resources (" + title + ")", chart);
        return List.of(csv, markdown, chart);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
