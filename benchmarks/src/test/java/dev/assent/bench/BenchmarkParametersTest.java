package dev.assent.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.bench.managers.Manager;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

class BenchmarkParametersTest {
    @Test
    void theBenchmarkRunsEveryManagerAndOnlyThose() throws Exception {
        Param managers = CoordinatorOverheadBenchmark.class.getField("manager").getAnnotation(Param.class);

        assertThat(managers.value())
                .containsExactly(
                        Arrays.stream(Manager.values()).map(Manager::id).toArray(String[]::new));
    }
}
