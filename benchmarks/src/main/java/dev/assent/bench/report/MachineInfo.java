package dev.assent.bench.report;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The machine a run happened on, as the report prints it: cores and CPU model, memory, JDK,
 * operating system, and the disk under the benchmarks' data directory (from {@code df} and {@code
 * /proc}). Anything that cannot be read is reported as unknown rather than failing the report.
 *
 * @param cores processors available to the JVM
 * @param cpu the CPU model from /proc/cpuinfo
 * @param memory total memory from /proc/meminfo
 * @param jdk vendor, version and VM of the JDK running the probe (the benchmarks' child JVMs use
 *     the same {@code java.home})
 * @param os the operating system's name, kernel version and architecture, and the distribution
 *     from /etc/os-release
 * @param disk device, file system, size, mount options and rotational flag of the data directory
 * @param loadAverage the 1, 5 and 15 minute load averages from /proc/loadavg when probed (other
 *     work on the machine skews results)
 */
public record MachineInfo(
        int cores, String cpu, String memory, String jdk, String os, String disk, String loadAverage) {
    private static final String UNKNOWN = "unknown";

    /** Probes this machine; {@code dataDirectory} (or its nearest existing parent) locates the disk. */
    public static MachineInfo probe(Path dataDirectory) {
        return new MachineInfo(
                Runtime.getRuntime().availableProcessors(),
                readCpu(),
                readMemory(),
                readJdk(),
                readOs(),
                readDisk(dataDirectory),
                loadAverageNow());
    }

    /** The 1, 5 and 15 minute load averages now, e.g. {@code 2.31, 1.90, 1.75}, or "unknown". */
    public static String loadAverageNow() {
        return readLoadAverage();
    }

    private static String readJdk() {
        return System.getProperty("java.vendor", UNKNOWN) + " " + System.getProperty("java.version", UNKNOWN) + " ("
                + System.getProperty("java.vm.name", UNKNOWN) + " " + System.getProperty("java.vm.version", UNKNOWN)
                + ")";
    }

    private static String readOs() {
        String kernel = System.getProperty("os.name", UNKNOWN) + " " + System.getProperty("os.version", UNKNOWN) + " "
                + System.getProperty("os.arch", UNKNOWN);
        return lines(Path.of("/etc/os-release")).stream()
                .filter(l -> l.startsWith("PRETTY_NAME="))
                .map(l -> l.substring("PRETTY_NAME=".length()).replace("\"", ""))
                .findFirst()
                .map(distribution -> kernel + ", " + distribution)
                .orElse(kernel);
    }

    private static String readCpu() {
        return lines(Path.of("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst()
                .orElse(UNKNOWN);
    }

    private static String readLoadAverage() {
        return lines(Path.of("/proc/loadavg")).stream()
                .map(l -> l.split(" "))
                .filter(f -> f.length >= 3)
                .map(f -> f[0] + ", " + f[1] + ", " + f[2])
                .findFirst()
                .orElse(UNKNOWN);
    }

    private static String readMemory() {
        return lines(Path.of("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal:"))
                .map(l -> l.replaceAll("[^0-9]", ""))
                .filter(digits -> !digits.isEmpty())
                .map(kib -> String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kib) / 1024.0 / 1024.0))
                .findFirst()
                .orElse(UNKNOWN);
    }

    private static String readDisk(Path dataDirectory) {
        Path existing = dataDirectory.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return UNKNOWN;
        }
        Optional<String> df = run("df", "-PT", existing.toString());
        if (df.isEmpty()) {
            return UNKNOWN + " (df failed)";
        }
        // POSIX format: Filesystem Type 1024-blocks Used Available Capacity Mounted-on
        String[] lines = df.get().split("\n");
        String[] fields = lines[lines.length - 1].trim().split("\\s+");
        if (fields.length < 7) {
            return UNKNOWN + " (df said: " + df.get().trim() + ")";
        }
        String device = fields[0];
        String mountPoint = fields[6];
        String size = String.format(Locale.ROOT, "%.0f GiB", Long.parseLong(fields[2]) / 1024.0 / 1024.0);
        return device + ", " + fields[1] + ", " + size + ", mounted on " + mountPoint + " (" + mountOptions(mountPoint)
                + "), " + rotational(device);
    }

    private static String mountOptions(String mountPoint) {
        return lines(Path.of("/proc/mounts")).stream()
                .map(l -> l.split(" "))
                .filter(f -> f.length > 3 && f[1].equals(mountPoint))
                .map(f -> f[3])
                .reduce((first, second) -> second) // the last mount on a point is the visible one
                .orElse("options " + UNKNOWN);
    }

    private static String rotational(String device) {
        Path deviceName = Path.of(device).getFileName();
        if (deviceName == null) {
            return "rotational: " + UNKNOWN;
        }
        // Block devices are described under sysfs, wherever /proc/mounts says it is (normally /sys).
        Optional<Path> sysfs = lines(Path.of("/proc/mounts")).stream()
                .map(l -> l.split(" "))
                .filter(f -> f.length > 2 && f[2].equals("sysfs"))
                .map(f -> Path.of(f[1]))
                .findFirst();
        if (sysfs.isEmpty()) {
            return "rotational: " + UNKNOWN;
        }
        Path block = sysfs.get().resolve("class/block").resolve(deviceName.toString());
        for (Path queue : List.of(block.resolve("queue/rotational"), block.resolve("../queue/rotational"))) {
            List<String> value = lines(queue);
            if (!value.isEmpty()) {
                return "1".equals(value.get(0).trim())
                        ? "reported rotational (virtual disks often say so)"
                        : "reported non-rotational (SSD)";
            }
        }
        return "rotational: " + UNKNOWN;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    private static Optional<String> run(String... command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] output;
            try (InputStream in = process.getInputStream()) {
                output = in.readAllBytes();
            }
            if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroy();
                return Optional.empty();
            }
            return Optional.of(new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
