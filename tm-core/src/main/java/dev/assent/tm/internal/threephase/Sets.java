package dev.assent.tm.internal.threephase;

import java.util.HashSet;
import java.util.Set;

/** Immutable sets grown one element at a time, as the runs' answers arrive. */
final class Sets {
    private Sets() {}

    static Set<String> with(Set<String> set, String element) {
        if (set.contains(element)) {
            return set;
        }
        Set<String> grown = new HashSet<>(set);
        grown.add(element);
        return Set.copyOf(grown);
    }
}
