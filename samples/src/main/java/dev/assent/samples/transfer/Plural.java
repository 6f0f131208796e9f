package dev.assent.samples.transfer;

import java.util.Locale;

/** A count with its noun in the right number: "1 branch", "2 branches". */
final class Plural {
    private Plural() {}

    static String of(long count, String one, String many) {
        return String.format(Locale.ROOT, "%,d %s", count, count == 1 ? one : many);
    }
}
