package dev.assent.xa.campaign;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the crash campaign did, for its last log line: kills by phase, what recovery found. */
final class Tally {
    private static final Pattern COUNT = Pattern.compile("(\\w+)=(\\d+)");

    private final Map<String, Integer> killsByPhase = new TreeMap<>();
    private long failedAsAsked;
    private int recoveries;
    private int recoveriesThatCommitted;
    private int recoveriesThatRolledBack;
    private long branchesCommitted;
    private long branchesRolledBack;
    int checks;
    long transfers;
    List<String> logFiles = List.of();

    void killed(String phase, String lastProgress) {
        killsByPhase.merge(phase, 1, Integer::sum);
        failedAsAsked += count(lastProgress, "failed");
    }

    /** Reads a child's RECOVERED line: what its scans committed and rolled back. */
    void recovered(String line) {
        recoveries++;
        long committed = count(line, "committed");
        long rolledBack = count(line, "rolledBack");
        branchesCommitted += committed;
        branchesRolledBack += rolledBack;
        recoveriesThatCommitted += committed > 0 ? 1 : 0;
        recoveriesThatRolledBack += rolledBack > 0 ? 1 : 0;
    }

    private static long count(String line, String key) {
        Matcher matcher = COUNT.matcher(line);
        while (matcher.find()) {
            if (matcher.group(1).equals(key)) {
                return Long.parseLong(matcher.group(2));
            }
        }
        return 0;
    }

    String summary(int cycles, long seed) {
        return "cycles " + cycles + " (seed " + seed + "), kills by phase " + killsByPhase + "; " + checks
                + " checks passed; " + recoveries + " start-up recoveries completed, " + recoveriesThatCommitted
                + " of them committed branches of logged decisions (" + branchesCommitted + " branches: kills between"
                + " decision and completion), " + recoveriesThatRolledBack + " rolled back orphans ("
                + branchesRolledBack + " branches: kills before the decision was durable); transfers committed "
                + transfers + ", overdrafts refused and rolled back at least " + failedAsAsked
                + "; the log directory holds " + logFiles;
    }
}
