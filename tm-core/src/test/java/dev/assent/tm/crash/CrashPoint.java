package dev.assent.tm.crash;

/** Where the child JVM halts itself, and what recovery must then make of the transaction. */
enum CrashPoint {
    BEFORE_ANY_PREPARE("before-prepare", "rm-a", false),
    AFTER_SOME_PREPARES("after-prepare", "rm-a", false),
    AFTER_DECISION_FORCED("decided", "coordinator", true),
    BETWEEN_TWO_COMMITS("after-commit", "rm-a", true),
    BEFORE_COMPLETION_RECORD("after-commit", "rm-b", true);

    final String point;
    final String where;
    final boolean committedAfterRecovery;

    CrashPoint(String point, String where, boolean committedAfterRecovery) {
        this.point = point;
        this.where = where;
        this.committedAfterRecovery = committedAfterRecovery;
    }
}
