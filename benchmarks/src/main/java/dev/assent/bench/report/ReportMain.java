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
    /** The machine of the coordinator run ({@link RunMachine}). */
    static final String MACHINE = "coordinator-machine.txt";

    private ReportMain() {}

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path out = null;
        Path dataDirectory = Path.of(".");
        String title = "";
        String loadAtStart = "unknown (not given)";
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--data-dir" -> dataDirectory = Path.of(value(args, ++i, "--data-dir"));
                case "--title" -> title = value(args, ++i, "--title");
                case "--load-at-start" -> loadAtStart = value(args, ++i, "--load-at-start");
                default -> inputs.add(Path.of(args[i]));
            }
        }
        if (out == null || inputs.isEmpty()) {
            throw new IllegalArgumentException(
                    "usage: ReportMain --out DIR [--data-dir DIR] [--title TEXT] [--load-at-start TEXT] FILE.json...");
        }
        // The JMH runs are over by now: the probe's load average is the one at their end.
        MachineInfo probed = MachineInfo.probe(dataDirectory);
        RunMachine machine = new RunMachine(probed, loadAtStart, probed.loadAverage());
        System.out.print("machine:\n" + machine.markdown("logs"));
        List<Path> written = write(inputs, out, title, machine);
        written.forEach(p -> System.out.println("wrote " + p));
    }

    /**
     * Reads the JMH files and writes the outputs into {@code out} (the CSV, the machine beside it,
     * the markdown, the chart); returns their paths.
     */
    public static List<Path> write(List<Path> inputs, Path out, String title, RunMachine machine) throws IOException {
        JmhResults jmh = JmhResults.read(inputs);
        Comparison comparison = new Comparison(jmh.measurements());
        Files.createDirectories(out);
        Path csv = out.resolve(CSV);
        Path markdown = out.resolve(MARKDOWN);
        Path chart = out.resolve(CHART);
        CsvReport.write(comparison, csv);
        Path machineFile = out.resolve(MACHINE);
        machine.write(machineFile);
        MarkdownReport.write(comparison, jmh, machine, title, CHART, markdown);
        Path recovery = out.resolve(RecoveryCsv.FILE);
        if (Files.exists(recovery)) {
            String section = RecoverySection.markdown(
                    RecoveryCsv.read(recovery), RunMachine.read(out.resolve(RecoveryCsv.MACHINE_FILE)));
            RecoverySection.writeInto(markdown, section, machine, title);
        }
        Path e2e = out.resolve(E2eReport.CSV);
        if (Files.exists(e2e)) {
            E2eReport.writeInto(markdown, E2eReport.markdown(E2eReport.readCsv(e2e), E2eReport.setup(out)), title);
        }
        ThroughputChart.write(comparison, "Two-phase commit of two no-op resources (" + title + ")", chart);
        return List.of(csv, machineFile, markdown, chart);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
