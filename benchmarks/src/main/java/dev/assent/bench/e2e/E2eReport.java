package dev.assent.bench.e2e;

import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** {@code e2e.csv}, the end-to-end section of {@code results.md}, and {@code e2e.png}. */
public final class E2eReport {
    public static final String CSV = "e2e.csv";
    public static final String CHART = "e2e.png";
    /** The run's set-up sentence, kept beside e2e.csv for a later report. */
    public static final String SETUP = "e2e-setup.txt";
    /** The machine of the run that wrote {@link #CSV} ({@code RunMachine}). */
    public static final String MACHINE = "e2e-machine.txt";

    static final String HEADER = "manager,threads,transactions,seconds,ops_per_s,p50_ms,p99_ms,errors";
    static final String START = "<!-- e2e: start -->";
    static final String END = "<!-- e2e: end -->";

    private E2eReport() {}

    public static void writeCsv(List<E2eResult> results, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (E2eResult r : results) {
            lines.add(String.format(
                    Locale.ROOT,
                    "%s,%d,%d,%.3f,%.1f,%.3f,%.3f,%d",
                    r.manager(),
                    r.threads(),
                    r.transactions(),
                    r.seconds(),
                    r.opsPerSecond(),
                    r.p50Millis(),
                    r.p99Millis(),
                    r.errors()));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** The set-up text the benchmark left in {@code directory}, or none. */
    public static String setup(Path directory) throws IOException {
        Path file = directory.resolve(SETUP);
        return Files.exists(file)
                ? Files.readString(file, StandardCharsets.UTF_8).strip()
                : "";
    }

    public static List<E2eResult> readCsv(Path file) throws IOException {
        List<E2eResult> results = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.equals(HEADER)) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f.length != 8) {
                throw new IOException("not an e2e.csv row: " + line);
            }
            results.add(new E2eResult(
                    f[0],
                    Integer.parseInt(f[1]),
                    Long.parseLong(f[2]),
                    Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]),
                    Double.parseDouble(f[6]),
                    Long.parseLong(f[7])));
        }
        return results;
    }

    /** The section: every result, then Assent against Narayana and against raw XA per thread count. */
    public static String markdown(List<E2eResult> results, String setup) {
        StringBuilder md = new StringBuilder();
        md.append(START).append('\n');
        md.append("## End to end: transfers over two PostgreSQL databases\n\n");
        md.append(setup.isEmpty() ? "" : setup + "\n\n");
        md.append("| system | threads | tx/s | p50 ms | p99 ms | measured tx | errors |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (E2eResult r : results) {
            md.append(String.format(
                    Locale.ROOT,
                    "| %s | %d | %,.0f | %.2f | %.2f | %,d | %d |%n",
                    label(r.manager()),
                    r.threads(),
                    r.opsPerSecond(),
                    r.p50Millis(),
                    r.p99Millis(),
                    r.transactions(),
                    r.errors()));
        }
        md.append("\nAssent against the better Narayana store and against raw XA (overhead: throughput lost, and"
                + " p50 latency added, relative to raw XA; targets: ratio ≥ 1, overhead ≤ 5 %):\n\n");
        md.append("| threads | Assent tx/s | Narayana tx/s (best store) | Assent / Narayana | raw XA tx/s"
                + " | throughput overhead | p50 overhead |\n");
        md.append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int threads : threadCounts(results)) {
            Optional<E2eResult> assent = find(results, E2eManager.ASSENT.id(), threads);
            if (assent.isEmpty()) {
                continue;
            }
            Optional<E2eResult> narayana = bestNarayana(results, threads);
            Optional<E2eResult> raw = find(results, E2eManager.RAW_XA.id(), threads);
            E2eResult a = assent.get();
            md.append(String.format(
                    Locale.ROOT,
                    "| %d | %,.0f | %s | %s | %s | %s | %s |%n",
                    threads,
                    a.opsPerSecond(),
                    narayana.map(n -> String.format(Locale.ROOT, "%,.0f (%s)", n.opsPerSecond(), n.manager()))
                            .orElse("–"),
                    narayana.map(n -> String.format(Locale.ROOT, "%.2f", a.opsPerSecond() / n.opsPerSecond()))
                            .orElse("–"),
                    raw.map(r -> String.format(Locale.ROOT, "%,.0f", r.opsPerSecond()))
                            .orElse("–"),
                    raw.map(r -> percent(1 - a.opsPerSecond() / r.opsPerSecond()))
                            .orElse("–"),
                    raw.map(r -> percent(a.p50Millis() / r.p50Millis() - 1)).orElse("–")));
        }
        md.append("\n![transfers per second](").append(CHART).append(")\n");
        md.append(END).append('\n');
        return md.toString();
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%+.1f %%", fraction * 100);
    }

    static Optional<E2eResult> bestNarayana(List<E2eResult> results, int threads) {
        return results.stream()
                .filter(r -> r.threads() == threads && r.manager().startsWith("narayana"))
                .max((x, y) -> Double.compare(x.opsPerSecond(), y.opsPerSecond()));
    }

    static Optional<E2eResult> find(List<E2eResult> results, String manager, int threads) {
        return results.stream()
                .filter(r -> r.threads() == threads && r.manager().equals(manager))
                .findFirst();
    }

    private static Set<Integer> threadCounts(List<E2eResult> results) {
        Set<Integer> counts = new TreeSet<>();
        results.forEach(r -> counts.add(r.threads()));
        return counts;
    }

    private static String label(String manager) {
        return E2eManager.byId(manager).map(E2eManager::description).orElse(manager);
    }

    /** Puts {@code section} into {@code resultsMd} in place of an earlier one, else at the end. */
    public static void writeInto(Path resultsMd, String section, String title) throws IOException {
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
            md = "# End-to-end transfers (" + title + ")\n\n" + section;
        }
        Files.writeString(resultsMd, md, StandardCharsets.UTF_8);
    }

    /** Throughput against threads, one line per system (XChart PNG). */
    public static void chart(List<E2eResult> results, String title, Path file) throws IOException {
        XYChart chart = new XYChartBuilder()
                .width(1000)
                .height(600)
                .title(title)
                .xAxisTitle("threads (log scale)")
                .yAxisTitle("transfers committed per second")
                .build();
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setMarkerSize(8);
        chart.getStyler().setXAxisDecimalPattern("#,##0");
        chart.getStyler().setYAxisDecimalPattern("#,##0");
        Set<String> managers = new LinkedHashSet<>();
        results.forEach(r -> managers.add(r.manager()));
        for (String manager : managers) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (E2eResult r : results) {
                if (r.manager().equals(manager) && r.opsPerSecond() > 0) {
                    x.add((double) r.threads());
                    y.add(r.opsPerSecond());
                }
            }
            if (!x.isEmpty()) {
                chart.addSeries(label(manager), x, y);
            }
        }
        if (chart.getSeriesMap().isEmpty()) {
            throw new IOException("nothing to draw: no end-to-end result");
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
        }
    }
}
