package dev.assent.bench.report;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * One row per result: {@code benchmark,manager,threads,median_ops_per_s,error_ops_per_s,
 * ratio_vs_best_peer}. Fsync rows name the file kind in the manager column ({@code
 * fsync-preallocated}) and have no ratio; an unknown error or ratio is an empty field.
 */
final class CsvReport {
    static final String HEADER = "benchmark,manager,threads,median_ops_per_s,error_ops_per_s,ratio_vs_best_peer";

    private CsvReport() {}

    static void write(Comparison comparison, Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(HEADER + "\n");
            for (String manager : comparison.managers()) {
                for (int threads : comparison.threadCounts()) {
                    var result = comparison.result(manager, threads);
                    if (result.isPresent()) {
                        Measurement m = result.get();
                        out.write(row(m, manager, comparison.ratioToBestPeer(m)));
                    }
                }
            }
            for (Measurement m : comparison.fsync()) {
                out.write(row(m, "fsync-" + m.series(), OptionalDouble.empty()));
            }
        }
    }

    private static String row(Measurement m, String name, OptionalDouble ratio) {
        return String.join(
                        ",",
                        m.benchmark(),
                        name,
                        Integer.toString(m.threads()),
                        number(m.median(), 1),
                        number(m.error(), 1),
                        ratio.isPresent() ? number(ratio.getAsDouble(), 3) : "")
                + "\n";
    }

    private static String number(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "";
    }
}
