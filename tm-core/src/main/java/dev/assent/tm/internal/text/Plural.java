package dev.assent.tm.internal.text;

/** Counts in messages: "1 record", "2 records", never "1 records" or "record(s)". */
public final class Plural {
    private Plural() {}

    /** {@code count} followed by {@code noun}, with an "s" unless the count is one. */
    public static String count(long count, String noun) {
        return count(count, noun, noun + "s");
    }

    /** {@code count} followed by {@code one} or {@code many}, for nouns such as "branch". */
    public static String count(long count, String one, String many) {
        return count + " " + (count == 1 ? one : many);
    }
}
