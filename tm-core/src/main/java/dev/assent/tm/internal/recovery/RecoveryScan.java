package dev.assent.tm.internal.recovery;

import dev.assent.tm.HeuristicOutcome;
import dev.assent.tm.RecoveryReport;
import dev.assent.tm.internal.log.LogException;
import dev.assent.tm.internal.log.LogRecord;
import dev.assent.tm.internal.log.TransactionLog;
import dev.assent.tm.internal.text.Plural;
import dev.assent.tm.internal.tx.AssentXid;
import dev.assent.tm.internal.tx.XidFactory;
import dev.assent.tm.internal.xa.XaCode;
import dev.assent.tm.internal.xa.XaOutcomes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One recovery pass (docs/protocols.md §4), synchronous and idempotent:
 *
 * <ol>
 *   <li>Take the owed commits known now (log replay at start-up plus what the coordinator could
 *       not finish since).
 *   <li>Ask every registered resource for its prepared branches: {@code recover(TMSTARTRSCAN |
 *       TMENDRSCAN)}. A resource that cannot be reached keeps everything it owes.
 *   <li>For each branch listed: another node's or another format's Xid is left alone; a branch
 *       with a heuristic record waits for the operator; a branch of a transaction held in doubt
 *       (its decision may or may not be durable) waits for a restart; an owed branch is committed
 *       (XAER_NOTA means it already was only if an earlier commit may have been applied); any
 *       other branch of ours is an orphan of presumed abort and is rolled back, at once if an
 *       earlier run of this node made it and the log recorded that run, else, if this run made it,
 *       once it has been seen for the grace period and its transaction is not in flight. A branch
 *       of a run the log never recorded is left prepared and reported.
 *   <li>An owed branch that its (reachable, registered) resource no longer lists is finished if a
 *       commit may have been applied to it, and is reported as a heuristic hazard otherwise; a
 *       branch with no resource manager name is finished only by a commit. When all of a
 *       transaction's branches are finished, a COMPLETED record is appended.
 * </ol>
 */
final class RecoveryScan {
    private static final Logger log = LoggerFactory.getLogger(RecoveryScan.class);

    private final RecoveryLedger ledger;
    private final TransactionLog transactionLog;
    private final XidFactory xids;
    private final Predicate<AssentXid> inFlight;
    private final OrphanClock orphanClock;

    private final List<Xid> committed = new ArrayList<>();
    private final List<Xid> rolledBack = new ArrayList<>();
    private final List<Xid> leftAlone = new ArrayList<>();
    private final List<String> stillOwed = new ArrayList<>();
    private final Map<String, Integer> owedToUnregistered = new LinkedHashMap<>();

    /** Decides when a branch of the current run has been an orphan long enough. */
    interface OrphanClock {
        /** True once {@code xid} has been seen, not in flight, for the whole grace period. */
        boolean graceExpired(AssentXid xid);

        /** Forgets branches that were not seen in this scan. */
        void retainOnly(Set<AssentXid> seen);
    }

    RecoveryScan(
            RecoveryLedger ledger,
            TransactionLog transactionLog,
            XidFactory xids,
            Predicate<AssentXid> inFlight,
            OrphanClock orphanClock) {
        this.ledger = ledger;
        this.transactionLog = transactionLog;
        this.xids = xids;
        this.inFlight = inFlight;
        this.orphanClock = orphanClock;
    }

    RecoveryReport run(Map<String, Supplier<XAResource>> resources) {
        List<RecoveryLedger.OwedCommit> owedAtStart = ledger.owedCommits();
        Map<String, Set<AssentXid>> listedByResource = new HashMap<>();
        Set<AssentXid> seenOrphans = new HashSet<>();
        for (Map.Entry<String, Supplier<XAResource>> entry : resources.entrySet()) {
            String name = entry.getKey();
            XAResource resource;
            Xid[] listed;
            try {
                resource = entry.getValue().get();
                listed = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
            } catch (XAException e) {
                stillOwed.add("resource manager '" + name + "' refused recover() with " + XaCode.nameOf(e.errorCode)
                        + "; its branches are retried at the next scan");
                continue;
            } catch (Throwable e) { // a broken driver: this resource waits for the next scan
                stillOwed.add("resource manager '" + name + "' cannot be reached (" + e
                        + "); its branches are retried at the next scan");
                continue;
            }
            Set<AssentXid> listedHere = new HashSet<>();
            for (Xid xid : listed == null ? new Xid[0] : listed) {
                AssentXid branch = AssentXid.copyOf(xid);
                listedHere.add(branch);
                resolve(name, resource, branch, seenOrphans);
            }
            listedByResource.put(name, listedHere);
        }
        finishUnlisted(owedAtStart, resources.keySet(), listedByResource);
        owedToUnregistered.forEach((name, commits) -> stillOwed.add(owedToUnregisteredSentence(name, commits)));
        orphanClock.retainOnly(seenOrphans);
        ledger.inDoubt()
                .keySet()
                .forEach(transaction -> stillOwed.add("the commit decision of " + transaction
                        + " may or may not have reached the log (a force failed); its branches stay prepared"
                        + " until a restart reads the log back and finishes them"));
        List<HeuristicOutcome> heuristics = new ArrayList<>();
        for (LogRecord.Heuristic heuristic : ledger.heuristics()) {
            heuristics.add(new HeuristicOutcome(
                    heuristic.branch().xid(),
                    heuristic.branch().resourceManagerName(),
                    XaCode.nameOf(heuristic.xaCode()),
                    heuristic.decidedCommit()));
        }
        return new RecoveryReport(committed, rolledBack, leftAlone, stillOwed, heuristics);
    }

    private void resolve(String name, XAResource resource, AssentXid branch, Set<AssentXid> seenOrphans) {
        AssentXid transaction = branch.global();
        if (!xids.isOurs(branch) || ledger.heuristicOf(branch) != null || ledger.isInDoubt(transaction)) {
            // Not ours; or waiting for the operator; or waiting for a restart to read the log.
            leftAlone.add(branch);
        } else if (ledger.isOwedBranch(transaction, branch)) {
            commit(name, resource, branch);
        } else if (ledger.isOwed(transaction)) {
            // A committed transaction: none of its branches may be rolled back.
            log.warn(
                    "{} at '{}' belongs to committed transaction {} but is not owed; left alone",
                    branch,
                    name,
                    transaction);
            leftAlone.add(branch);
        } else if (isFromAnEarlierRunTheLogRecorded(branch)) {
            rollbackOrphan(name, resource, branch);
        } else if (!isFromThisRun(branch)) {
            // A run this log cannot vouch for (an in-memory log's other run; a run of a
            // log directory lost, deleted or replaced, or restored from an older copy that never saw
            // the run; a run older than the window the log remembers): the branch may belong to a
            // committed transaction as well as to an aborted one.
            leftAlone.add(branch);
            stillOwed.add(branch + " at '" + name + "' was prepared by a run of this node that this"
                    + " transaction log cannot vouch for (an in-memory log, a log directory lost, replaced or"
                    + " restored from an older copy since, or a run older than the log remembers), so its outcome"
                    + " is unknown: commit or roll it back at the resource manager by hand");
        } else if (inFlight.test(transaction)) {
            leftAlone.add(branch);
        } else {
            seenOrphans.add(branch);
            // Checked again after the grace period: the transaction may have finished or been
            // decided in between.
            if (orphanClock.graceExpired(branch)
                    && !inFlight.test(transaction)
                    && !ledger.isOwed(transaction)
                    && !ledger.isInDoubt(transaction)) {
                rollbackOrphan(name, resource, branch);
            } else {
                leftAlone.add(branch);
            }
        }
    }

    private boolean isFromThisRun(AssentXid branch) {
        return xids.incarnationOf(branch).map(run -> run == xids.incarnation()).orElse(false);
    }

    private boolean isFromAnEarlierRunTheLogRecorded(AssentXid branch) {
        return xids.incarnationOf(branch)
                .map(transactionLog::recordedEarlierRun)
                .orElse(false);
    }

    private void commit(String name, XAResource resource, AssentXid branch) {
        XaOutcomes.Completion completion;
        XAException failure = null;
        try {
            resource.commit(branch, false);
            completion = XaOutcomes.Completion.COMMITTED;
        } catch (XAException e) {
            failure = e;
            completion = XaOutcomes.commitTwoPhaseFailure(e, ledger.commitMayHaveApplied(branch));
            if (completion == XaOutcomes.Completion.OWED && !XaOutcomes.commitCertainlyNotApplied(e)) {
                ledger.commitSent(branch);
            }
        } catch (Throwable e) { // a broken driver: the commit may or may not have been applied
            ledger.commitSent(branch);
            stillOwed.add("commit of " + branch + " at '" + name + "' threw " + e + "; retried at the next scan");
            return;
        }
        switch (completion) {
            case COMMITTED -> {
                committed.add(branch);
                branchFinished(branch);
            }
            case HEURISTIC_AGREES -> {
                forget(resource, branch);
                committed.add(branch);
                branchFinished(branch);
            }
            case HEURISTIC_COMMITTED, HEURISTIC_ROLLED_BACK, HEURISTIC_MIXED, HEURISTIC_HAZARD, ROLLED_BACK -> {
                recordHeuristic(name, branch, failure, true);
                branchFinished(branch);
            }
            case OWED ->
                stillOwed.add("commit of " + branch + " at '" + name + "' failed with "
                        + XaCode.nameOf(failure.errorCode) + "; retried at the next scan");
        }
    }

    private void rollbackOrphan(String name, XAResource resource, AssentXid branch) {
        XaOutcomes.Completion completion;
        XAException failure = null;
        try {
            resource.rollback(branch);
            completion = XaOutcomes.Completion.ROLLED_BACK;
        } catch (XAException e) {
            failure = e;
            completion = XaOutcomes.rollbackFailure(e);
        } catch (Throwable e) { // a broken driver: the orphan is retried at the next scan
            stillOwed.add("rollback of orphan " + branch + " at '" + name + "' threw " + e + "; retried");
            return;
        }
        switch (completion) {
            case ROLLED_BACK, COMMITTED -> rolledBack.add(branch);
            case HEURISTIC_AGREES -> {
                forget(resource, branch);
                rolledBack.add(branch);
            }
            case HEURISTIC_COMMITTED, HEURISTIC_ROLLED_BACK, HEURISTIC_MIXED, HEURISTIC_HAZARD ->
                recordHeuristic(name, branch, failure, false);
            case OWED ->
                stillOwed.add("rollback of orphan " + branch + " at '" + name + "' failed with "
                        + XaCode.nameOf(failure.errorCode) + "; retried at the next scan");
        }
    }

    private void finishUnlisted(
            List<RecoveryLedger.OwedCommit> owed, Set<String> registered, Map<String, Set<AssentXid>> listed) {
        for (RecoveryLedger.OwedCommit commit : owed) {
            for (LogRecord.BranchRef branch : List.copyOf(commit.branches().values())) {
                String name = branch.resourceManagerName();
                if (name == null) {
                    // No resource can be named as the one that would list it, so its absence from
                    // every list proves nothing: only a commit finishes it.
                    stillOwed.add("branch " + branch.xid() + " of " + commit.transactionId() + " has no resource"
                            + " manager name; it stays owed until a registered resource lists it and commits it"
                            + " (give the resource a name with NamedXAResource)");
                } else if (!registered.contains(name)) {
                    owedToUnregistered.merge(name, 1, Integer::sum);
                } else if (listed.containsKey(name) && !listed.get(name).contains(branch.xid())) {
                    if (ledger.commitMayHaveApplied(branch.xid())) {
                        // A commit was sent and its reply lost (or a crash hides whether it was).
                        branchFinished(branch.xid());
                    } else {
                        recordHeuristic(
                                name,
                                branch.xid(),
                                XaCode.exception(
                                        XAException.XA_HEURHAZ,
                                        "the prepared branch vanished from recover() before any commit was sent"),
                                true);
                        branchFinished(branch.xid());
                    }
                }
            }
        }
    }

    /**
     * The resource managers this scan found owed commits but not registered, with how many each:
     * after a restart, usually resources the application registers right after build().
     */
    Map<String, Integer> owedToUnregistered() {
        return owedToUnregistered;
    }

    // Calm on purpose: it is what every start-up after a crash says until the application has
    // registered its resources; RecoveryManager warns when one stays unregistered.
    private static String owedToUnregisteredSentence(String name, int commits) {
        return "resource manager '" + name + "' is owed " + Plural.count(commits, "commit") + "; "
                + (commits == 1 ? "it is" : "they are") + " made as soon as a recovery resource of that name is"
                + " registered (addRecoveryResource(\"" + name + "\", ...))";
    }

    private void branchFinished(AssentXid branch) {
        AssentXid transaction = branch.global();
        if (ledger.branchFinished(transaction, branch)) {
            try {
                transactionLog.append(new LogRecord.Completed(transaction));
            } catch (LogException e) {
                log.warn("could not append the completion of {}: {}", transaction, e.getMessage());
            }
        }
    }

    private void recordHeuristic(String name, AssentXid branch, XAException failure, boolean decidedCommit) {
        int code = failure == null ? XAException.XA_HEURHAZ : failure.errorCode;
        log.error(
                "heuristic outcome at recovery: {} at '{}' answered {} although the decision was to {}",
                branch,
                name,
                XaCode.nameOf(code),
                decidedCommit ? "commit" : "roll back");
        LogRecord.Heuristic heuristic =
                new LogRecord.Heuristic(branch.global(), new LogRecord.BranchRef(branch, name), code, decidedCommit);
        ledger.recordHeuristic(heuristic);
        try {
            transactionLog.append(heuristic);
        } catch (LogException e) {
            log.error(
                    "could not log the heuristic outcome of {} ({}): it is listed by tm.heuristics() until this"
                            + " process stops, but a restart will not know it; note it now",
                    branch,
                    e.getMessage());
        }
    }

    private static void forget(XAResource resource, AssentXid branch) {
        try {
            resource.forget(branch);
        } catch (XAException e) {
            log.warn("forget of {} failed with {}", branch, XaCode.nameOf(e.errorCode));
        } catch (Throwable e) { // a broken driver: the agreeing heuristic stays at the resource
            log.warn("forget of {} failed", branch, e);
        }
    }
}
