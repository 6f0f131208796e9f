package dev.assent.bench.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.bench.BenchDirectories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rollover benchmark on 64 KiB segments for 2 seconds with 4 committers: a series of one row
 * per second, decisions in each, a new segment in at least one, and the CSV. No timing is checked.
 */
class LogRolloverBenchmarkSmokeTest {
    @TempDir
    Path out;

    @Test
    void recordsASecondBySecondSeriesAcrossRollovers() throws Exception {
        Path directory = BenchDirectories.create("rollover-smoke");
        List<LogRolloverBenchmark.Second> series;
        try {
            series = LogRolloverBenchmark.run(directory, 4, 64 << 10, 2);
        } finally {
            BenchDirectories.delete(directory);
        }

        assertThat(series).extracting(LogRolloverBenchmark.Second::second).containsExactly(1, 2);
        assertThat(series).allSatisfy(second -> assertThat(second.decisions()).isPositive());
        assertThat(series)
                .last()
                .satisfies(second -> assertThat(second.segment()).isGreaterThan(1));
        Path csv = out.resolve(LogRolloverBenchmark.CSV);
        LogRolloverBenchmark.write(series, csv);
        assertThat(Files.readAllLines(csv, StandardCharsets.UTF_8))
                .hasSize(3)
                .first()
                .isEqualTo("second,decisions,max_wait_ms,segment,rollover");
        assertThat(LogRolloverBenchmark.median(new double[] {3, 1, 2})).isEqualTo(2);
    }
}
