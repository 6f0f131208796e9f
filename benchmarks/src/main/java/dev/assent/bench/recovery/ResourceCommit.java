package dev.assent.bench.recovery;

import java.util.Arrays;

/**
 * Whether a benchmark resource manager forces its commit record before {@code commit} returns.
 * Prepare records are always forced.
 */
public enum ResourceCommit {
    /**
     * Every commit is made durable before it returns, one force each, as a database's {@code COMMIT
     * PREPARED} is. Recovery commits one branch after another, so the resources' own forces set its
     * pace.
     */
    FORCED("forced"),
    /**
     * The commit record is written (to the page cache) and forced when the store closes: the
     * resources cost next to nothing, so what is measured is the transaction manager's own work.
     */
    WRITTEN("written");

    private final String id;

    ResourceCommit(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static ResourceCommit byId(String id) {
        return Arrays.stream(values())
                .filter(m -> m.id.equals(id))
                .findFirst()
                .orElseThrow(() ->
                        new IllegalArgumentException("unknown resource commit mode '" + id + "' (forced or written)"));
    }
}
