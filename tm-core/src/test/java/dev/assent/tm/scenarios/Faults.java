package dev.assent.tm.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.tm.testkit.Reaction;
import dev.assent.tm.testkit.XaCodes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Families of faults for parameterized scenarios. Each scenario class splits {@link
 * #everyFailure()} into the groups its XA verb classifies differently, and checks with {@link
 * #assertPartition} that no code was forgotten.
 */
final class Faults {
    private Faults() {}

    /** Every XA code thrown as an XAException, an undefined code, and a RuntimeException. */
    static List<Reaction> everyFailure() {
        List<Reaction> all = new ArrayList<>(xa(XaCodes.all()));
        all.add(Reaction.xaError(XaCodes.UNDEFINED));
        all.add(Reaction.runtimeException());
        return all;
    }

    static List<Reaction> xa(int... codes) {
        return Arrays.stream(codes).mapToObj(Reaction::xaError).collect(Collectors.toList());
    }

    static List<Reaction> xa(List<Integer> codes) {
        return codes.stream().map(Reaction::xaError).collect(Collectors.toList());
    }

    @SafeVarargs
    static List<Reaction> concat(List<Reaction>... groups) {
        List<Reaction> all = new ArrayList<>();
        for (List<Reaction> group : groups) {
            all.addAll(group);
        }
        return all;
    }

    /** The groups together name every failure exactly once. */
    @SafeVarargs
    static void assertPartition(List<Reaction>... groups) {
        List<String> named = concat(groups).stream().map(Reaction::toString).collect(Collectors.toList());
        List<String> expected = everyFailure().stream().map(Reaction::toString).collect(Collectors.toList());
        assertThat(named).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }
}
