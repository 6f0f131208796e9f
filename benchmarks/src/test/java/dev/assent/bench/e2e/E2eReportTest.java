package dev.assent.bench.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class E2eReportTest {
    private static final List<E2eResult> RESULTS = List.of(
            new E2eResult("assent", 1, 1000, 10, 100, 9, 20, 0),
            new E2eResult("narayana-journal", 1, 800, 10, 80, 11, 25, 0),
            new E2eResult("narayana-shadow", 1, 900, 10, 90, 10, 22, 0),
            new E2eResult("raw-xa", 1, 1040, 10, 104, 8, 18, 0),
            new E2eResult("assent", 8, 4000, 10, 400, 18, 40, 1));

    @TempDir
    Path dir;

    @Test
    void csvRoundTrips() throws IOException {
        Path csv = dir.resolve(E2eReport.CSV);
        E2eReport.writeCsv(RESULTS, csv);
        assertThat(Files.readAllLines(csv).get(0)).isEqualTo(E2eReport.HEADER);
        assertThat(E2eReport.readCsv(csv)).isEqualTo(RESULTS);
    }

    @Test
    void refusesARowOfTheWrongShape() throws IOException {
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, E2eReport.HEADER + "\nassent,1\n");
        assertThatThrownBy(() -> E2eReport.readCsv(csv)).isInstanceOf(IOException.class);
    }

    @Test
    void sectionComparesAssentWithTheBetterNarayanaStoreAndWithRawXa() {
        String md = E2eReport.markdown(RESULTS, "setup text");
        assertThat(md)
                .startsWith(E2eReport.START)
                .contains("setup text")
                .contains("| 1 | 100 | 90 (narayana-shadow) | 1.11 | 104 | +3.8 % | +12.5 % |")
                .contains("| 8 | 400 | – | – | – | – | – |")
                .contains("Assent + xa-adapters (Agroal)")
                .endsWith(E2eReport.END + "\n");
    }

    @Test
    void sectionReplacesAnEarlierOneAndKeepsTheRest() throws IOException {
        Path md = dir.resolve("results.md");
        E2eReport.writeInto(md, "S1\n", "t");
        assertThat(Files.readString(md)).startsWith("# End-to-end transfers (t)");
        Files.writeString(md, "# Report\n\nbody\n");
        E2eReport.writeInto(md, E2eReport.markdown(RESULTS, ""), "t");
        E2eReport.writeInto(md, E2eReport.markdown(RESULTS.subList(0, 1), "second"), "t");
        String text = Files.readString(md, StandardCharsets.UTF_8);
        assertThat(text).startsWith("# Report\n\nbody\n\n").contains("second");
        assertThat(text.indexOf(E2eReport.START)).isEqualTo(text.lastIndexOf(E2eReport.START));
    }

    @Test
    void setupTextIsReadBackWhenPresent() throws IOException {
        assertThat(E2eReport.setup(dir)).isEmpty();
        Files.writeString(dir.resolve(E2eReport.SETUP), "two servers\n");
        assertThat(E2eReport.setup(dir)).isEqualTo("two servers");
    }

    @Test
    void drawsTheChart() throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path png = dir.resolve(E2eReport.CHART);
        E2eReport.chart(RESULTS, "test", png);
        assertThat(Files.size(png)).isPositive();
        assertThatThrownBy(() -> E2eReport.chart(List.of(), "empty", dir.resolve("empty.png")))
                .isInstanceOf(IOException.class);
    }

    @Test
    void percentilesAndThreadLists() {
        assertThat(TransferRun.percentile(new long[] {1_000_000, 2_000_000, 3_000_000, 4_000_000}, 0.5))
                .isEqualTo(2.0);
        assertThat(TransferRun.percentile(new long[0], 0.5)).isNaN();
        assertThat(TransferRun.threadCounts("1, 8,32")).containsExactly(1, 8, 32);
        assertThat(E2eManager.byId("raw-xa")).contains(E2eManager.RAW_XA);
    }
}
