package dev.assent.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machine one benchmark run happened on, recorded beside its figures: what {@link MachineInfo}
 * probes, and the load average when the run started and when it ended (the machine is shared: a
 * figure measured under load from other work is not comparable with one measured on an idle
 * machine). Every benchmark entry point prints it and writes it into its result directory as
 * {@code <benchmark>-machine.txt}, next to the CSV it belongs to, and into its section of {@code
 * results.md}.
 *
 * @param machine the machine, probed when the run started
 * @param loadAtStart the 1, 5 and 15 minute load averages when the run started
 * @param loadAtEnd the same when it ended, or "not ended" before {@link #ended()}
 */
public record RunMachine(MachineInfo machine, String loadAtStart, String loadAtEnd) {
    private static final String NOT_ENDED = "not ended";

    /** Probes the machine at the start of a run; {@code dataDirectory} locates the logs' disk. */
    public static RunMachine started(Path dataDirectory) {
        MachineInfo machine = MachineInfo.probe(dataDirectory);
        return new RunMachine(machine, machine.loadAverage(), NOT_ENDED);
    }

    /** This run with the load average at its end. */
    public RunMachine ended() {
        return new RunMachine(machine, loadAtStart, MachineInfo.loadAverageNow());
    }

    /** Markdown list items, one per fact; {@code diskUse} says what the disk holds, e.g. "logs". */
    public String markdown(String diskUse) {
        return "- CPU: " + machine.cores() + " cores available to the JVM (" + machine.cpu() + ")\n"
                + "- Memory: " + machine.memory() + "\n"
                + "- JDK: " + machine.jdk() + "\n"
                + "- OS: " + machine.os() + "\n"
                + "- Disk (" + diskUse + "): " + machine.disk() + "\n"
                + "- Load average (1, 5, 15 min): " + loadAtStart + " at the start"
                + (NOT_ENDED.equals(loadAtEnd) ? "" : ", " + loadAtEnd + " at the end") + "\n";
    }

    /** Writes {@code key: value} lines that {@link #read} reads back. */
    public void write(Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        fields().forEach((key, value) ->
                text.append(key).append(": ").append(value).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    /** What {@link #write} wrote, or empty when the file is missing or not one of these. */
    public static Optional<RunMachine> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        List<String> keys = List.of("cores", "cpu", "memory", "jdk", "os", "disk", "load_at_start", "load_at_end");
        if (!fields.keySet().containsAll(keys) || !fields.get("cores").matches("\\d+")) {
            return Optional.empty();
        }
        MachineInfo machine = new MachineInfo(
                Integer.parseInt(fields.get("cores")),
                fields.get("cpu"),
                fields.get("memory"),
                fields.get("jdk"),
                fields.get("os"),
                fields.get("disk"),
                fields.get("load_at_start"));
        return Optional.of(new RunMachine(machine, fields.get("load_at_start"), fields.get("load_at_end")));
    }

    private Map<String, String> fields() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("cores", Integer.toString(machine.cores()));
        fields.put("cpu", machine.cpu());
        fields.put("memory", machine.memory());
        fields.put("jdk", machine.jdk());
        fields.put("os", machine.os());
        fields.put("disk", machine.disk());
        fields.put("load_at_start", loadAtStart);
        fields.put("load_at_end", loadAtEnd);
        return fields;
    }
}
