package dev.assent.bench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario: three JMH JSON files as run.sh writes them (coordinator at 1 and 4 threads for
 * assent-memory, narayana-shadow and atomikos; fsync on both file kinds). Expected: a CSV row per
 * result with the median and the ratio to the best peer, a Markdown table naming the best peer per
 * thread count and the managers without result, and a PNG chart.
 */
class ReportMainTest {
    @TempDir
    Path out;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    private static List<Path> sample() throws URISyntaxException {
        Path dir = Path.of(
                        ReportMainTest.class.getResource("/report/fsync.json").toURI())
                .getParent();
        return List.of(
                dir.resolve("coordinator-t1.json"), dir.resolve("coordinator-t4.json"), dir.resolve("fsync.json"));
    }

    @Test
    void writesCsvWithMediansAndRatiosToTheBestPeer() throws Exception {
        ReportMain.main(new String[] {
            "--out",
            out.toString(),
            "--data-dir",
            out.toString(),
            "--title",
            "sample",
            sample().get(0).toString(),
            sample().get(1).toString(),
            sample().get(2).toString()
        });

        List<String> csv = Files.readAllLines(out.resolve(ReportMain.CSV), StandardCharsets.UTF_8);
        assertThat(csv)
                .containsExactly(
                        CsvReport.HEADER,
                        "coordinator,assent-memory,1,100000.0,5000.0,111.111",
                        "coordinator,assent-memory,4,155000.0,8000.0,75.610",
                        "coordinator,narayana-shadow,1,450.0,30.0,0.500",
                        "coordinator,narayana-shadow,4,2050.0,100.0,1.000",
                        "coordinator,atomikos,1,900.0,,1.000",
                        "coordinator,atomikos,4,1550.0,90.0,0.756",
                        "fsync,fsync-preallocated,1,1250.0,40.0,",
                        "fsync,fsync-appended,1,650.0,20.0,");
    }

    @Test
    void writesMarkdownWithTheMachineTheTableAndWhatIsMissing() throws Exception {
        ReportMain.write(sample(), out, "sample", RunMachine.started(out).ended());

        String md = Files.readString(out.resolve(ReportMain.MARKDOWN), StandardCharsets.UTF_8);
        assertThat(md)
                .contains("(sample)")
                .contains("cores available to the JVM")
                .contains("17.0.15, OpenJDK 64-Bit Server VM")
                .contains("fork arguments `-Xms1g -Xmx1g`")
                .contains("- JDK: ")
                .contains(System.getProperty("java.version") + " (")
                .contains("- OS: ")
                .contains("Load average (1, 5, 15 min): ")
                .contains(" at the start, ")
                .contains("- `narayana-journal`: HornetqObjectStoreAdaptor")
                .contains("Disk (logs): ")
                .contains("| manager | 1 thread | 4 threads |")
                .contains("100,000 ± 5,000 (111.11×)")
                .contains("| *best peer* | *atomikos* | *narayana-shadow* |")
                .contains("| preallocated | 1,250 ± 40 |")
                .contains("No result for: `assent-file`, `narayana-journal`, `geronimo-howl`")
                .contains("![throughput against threads](throughput.png)");
    }

    @Test
    void writesTheMachineBesideTheFigures() throws Exception {
        RunMachine machine = new RunMachine(MachineInfo.probe(out), "3.10, 2.00, 1.50", "0.50, 1.00, 1.20");

        ReportMain.write(sample(), out, "sample", machine);

        assertThat(RunMachine.read(out.resolve(ReportMain.MACHINE)).map(read -> read.markdown("logs")))
                .contains(machine.markdown("logs"));
        assertThat(Files.readString(out.resolve(ReportMain.MARKDOWN), StandardCharsets.UTF_8))
                .contains("- Load average (1, 5, 15 min): 3.10, 2.00, 1.50 at the start, 0.50, 1.00, 1.20 at the end");
        assertThat(RunMachine.read(out.resolve("missing.txt"))).isEmpty();
    }

    @Test
    void drawsThePngChart() throws Exception {
        ReportMain.write(sample(), out, "sample", RunMachine.started(out).ended());

        BufferedImage png = ImageIO.read(out.resolve(ReportMain.CHART).toFile());
        assertThat(png).isNotNull();
        assertThat(png.getWidth()).isEqualTo(1100);
        assertThat(png.getHeight()).isEqualTo(650);
    }

    @Test
    void refusesAFileThatIsNotJmhOutput() throws IOException {
        Path bogus = Files.writeString(out.resolve("bogus.json"), "{\"not\": \"an array\"}");

        assertThatThrownBy(() -> ReportMain.write(
                        List.of(bogus), out, "bogus", RunMachine.started(out).ended()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not JMH JSON output");
    }

    @Test
    void refusesAMissingOutputDirectoryArgument() {
        assertThatThrownBy(() -> ReportMain.main(new String[] {"results.json"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("usage");
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(JmhResults.median(new double[] {4, 1, 3, 2})).isEqualTo(2.5);
        assertThat(JmhResults.median(new double[] {})).isNaN();
    }
}
