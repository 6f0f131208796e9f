package dev.assent.bench.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What JMH's JSON output ({@code -rf json}) holds for this report: the results of the two
 * benchmarks and how the JVM that ran them was set up.
 *
 * @param measurements every result, in file order
 * @param jvm JDK version, VM name and VM version of the forks, e.g. "17.0.15, OpenJDK 64-Bit Server
 *     VM 17.0.15+6"; empty if no file had a result
 * @param jvmArgs the forks' JVM arguments
 * @param iterationsNote warm-up and measurement settings of the coordinator benchmark
 */
public record JmhResults(List<Measurement> measurements, String jvm, String jvmArgs, String iterationsNote) {
    public JmhResults {
        measurements = List.copyOf(measurements);
    }

    /** Reads and merges several JMH JSON files (run.sh writes one per thread count). */
    public static JmhResults read(List<Path> files) throws IOException {
        List<Measurement> all = new ArrayList<>();
        String jvm = "";
        String jvmArgs = "";
        String iterations = "";
        for (Path file : files) {
            JsonArray runs;
            try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                runs = JsonParser.parseReader(in).getAsJsonArray();
            } catch (IllegalStateException | com.google.gson.JsonParseException e) {
                throw new IOException(file + " is not JMH JSON output: " + e.getMessage(), e);
            }
            for (JsonElement element : runs) {
                JsonObject run = element.getAsJsonObject();
                Measurement m = measurement(run);
                all.add(m);
                // The coordinator forks describe the run; fsync forks only if nothing else does.
                if (m.benchmark().equals(Measurement.COORDINATOR) || jvm.isEmpty()) {
                    jvm = string(run, "jdkVersion") + ", " + string(run, "vmName") + " " + string(run, "vmVersion");
                    jvmArgs = String.join(" ", strings(run.getAsJsonArray("jvmArgs")));
                }
                if (m.benchmark().equals(Measurement.COORDINATOR)) {
                    iterations = string(run, "warmupIterations") + " warm-up × " + string(run, "warmupTime")
                            + ", " + string(run, "measurementIterations") + " measured × "
                            + string(run, "measurementTime") + ", " + string(run, "forks")
                            + " fork(s) per manager and thread count";
                }
            }
        }
        return new JmhResults(all, jvm, jvmArgs, iterations);
    }

    static Measurement measurement(JsonObject run) {
        String benchmark = string(run, "benchmark");
        JsonObject params = run.has("params") ? run.getAsJsonObject("params") : new JsonObject();
        String kind;
        String series;
        if (benchmark.endsWith("CoordinatorOverheadBenchmark.twoBranchCommit")) {
            kind = Measurement.COORDINATOR;
            series = string(params, "manager");
        } else if (benchmark.endsWith("FsyncBenchmark.writeAndForce")) {
            kind = Measurement.FSYNC;
            series = string(params, "file");
        } else {
            throw new IllegalArgumentException("unknown benchmark " + benchmark);
        }
        JsonObject primary = run.getAsJsonObject("primaryMetric");
        double[] samples = samples(primary.getAsJsonArray("rawData"));
        return new Measurement(
                kind,
                series,
                run.get("threads").getAsInt(),
                median(samples),
                primary.get("scoreError").getAsDouble(),
                samples.length);
    }

    private static double[] samples(JsonArray forks) {
        List<Double> values = new ArrayList<>();
        for (JsonElement fork : forks) {
            for (JsonElement iteration : fork.getAsJsonArray()) {
                values.add(iteration.getAsDouble());
            }
        }
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The median; NaN for no samples. */
    static double median(double[] samples) {
        if (samples.length == 0) {
            return Double.NaN;
        }
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static String string(JsonObject object, String member) {
        JsonElement value = object.get(member);
        return value == null || value.isJsonNull() ? "?" : value.getAsString();
    }

    private static List<String> strings(JsonArray array) {
        List<String> values = new ArrayList<>();
        if (array != null) {
            array.forEach(e -> values.add(e.getAsString()));
        }
        return values;
    }
}
