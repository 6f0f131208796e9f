package dev.assent.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FsyncBenchmarkTest {
    @ParameterizedTest
    @ValueSource(strings = {"preallocated", "appended"})
    void writesAndForcesAndCleansUp(String file) throws Exception {
        FsyncBenchmark benchmark = new FsyncBenchmark();
        benchmark.file = file;
        benchmark.open();
        try {
            for (int i = 0; i < 20; i++) {
                benchmark.writeAndForce();
            }
        } finally {
            benchmark.close();
        }
        assertThat(Files.exists(benchmark.directory)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sparse", ""})
    void refusesAnUnknownFileKind(String file) {
        FsyncBenchmark benchmark = new FsyncBenchmark();
        benchmark.file = file;
        assertThatThrownBy(benchmark::open).isInstanceOf(IllegalArgumentException.class);
    }
}
