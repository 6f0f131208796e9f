package dev.assent.tm.testkit;

import dev.assent.tm.spi.NamedXAResource;
import dev.assent.tm.testkit.XaCall.Verb;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An XAResource that succeeds at everything unless told otherwise, and writes every call it
 * receives to a shared {@link XaJournal}. Faults are scripted per verb, for every call or for the
 * n-th call only:
 *
 * <pre>
 *   XaJournal journal = new XaJournal();
 *   ScriptedXAResource a = journal.resource("a").fail(Verb.PREPARE, XAException.XAER_RMERR);
 *   ScriptedXAResource b = journal.resource("b").on(Verb.PREPARE, Reaction.returns(XA_RDONLY));
 *   ScriptedXAResource c = journal.resource("c").failOnCall(Verb.COMMIT, 1, XAException.XA_RETRY);
 * </pre>
 *
 * {@link #isSameRM} is true between resources of the same resource-manager name, which is also
 * the {@link #resourceManagerName()}. Like a real resource manager it remembers the branches it
 * has prepared ({@link #inDoubt()}): from a prepare that returned XA_OK until a commit, rollback
 * or forget of the branch returns normally; {@code recover(TMSTARTRSCAN)} lists them.
 *
 * <p>Note on concurrency: scripts are written by the test thread before the transaction runs and
 * read by whichever thread calls the resource; the rule lists are copy-on-write and the call
 * counters atomic, so calls may come from phase threads and the timeout reaper.
 */
public final class ScriptedXAResource implements NamedXAResource {
    private final XaJournal journal;
    private final String label;
    private final String rmName;
    private final Map<Verb, List<Rule>> rules = new EnumMap<>(Verb.class);
    private final Map<Verb, AtomicInteger> callCounts = new EnumMap<>(Verb.class);
    private final List<Throwable> thrown = new CopyOnWriteArrayList<>();
    private final Map<String, Xid> inDoubt = new LinkedHashMap<>(); // guarded by itself
    private volatile int transactionTimeout;

    /** Use {@link XaJournal#resource(String, String)}. */
    ScriptedXAResource(XaJournal journal, String label, String rmName) {
        this.journal = journal;
        this.label = label;
        this.rmName = rmName;
        for (Verb verb : Verb.values()) {
            rules.put(verb, new CopyOnWriteArrayList<>());
            callCounts.put(verb, new AtomicInteger());
        }
    }

    private static final class Rule {
        final int nthCall; // 0: every call
        final Reaction reaction;

        Rule(int nthCall, Reaction reaction) {
            this.nthCall = nthCall;
            this.reaction = reaction;
        }
    }

    /** Every call of {@code verb} reacts so (an n-th-call rule takes precedence). */
    public ScriptedXAResource on(Verb verb, Reaction reaction) {
        rules.get(verb).add(new Rule(0, reaction));
        return this;
    }

    /** Only the {@code nthCall}-th call (1-based) of {@code verb} reacts so. */
    public ScriptedXAResource onCall(Verb verb, int nthCall, Reaction reaction) {
        if (nthCall < 1) {
            throw new IllegalArgumentException("calls are counted from 1, got " + nthCall);
        }
        rules.get(verb).add(new Rule(nthCall, reaction));
        return this;
    }

    /** Every call of {@code verb} throws an XAException with {@code errorCode}. */
    public ScriptedXAResource fail(Verb verb, int errorCode) {
        return on(verb, Reaction.xaError(errorCode));
    }

    /** The {@code nthCall}-th call of {@code verb} throws an XAException with {@code errorCode}. */
    public ScriptedXAResource failOnCall(Verb verb, int nthCall, int errorCode) {
        return onCall(verb, nthCall, Reaction.xaError(errorCode));
    }

    /** prepare returns XA_RDONLY. */
    public ScriptedXAResource voteReadOnly() {
        return on(Verb.PREPARE, Reaction.returns(XA_RDONLY));
    }

    /** The label this resource writes into the journal, e.g. "a". */
    public String label() {
        return label;
    }

    @Override
    public String resourceManagerName() {
        return rmName;
    }

    /** How often {@code verb} was called. */
    public int calls(Verb verb) {
        return callCounts.get(verb).get();
    }

    /** Every exception this resource threw, in order. */
    public List<Throwable> thrown() {
        return new ArrayList<>(thrown);
    }

    /** The last exception this resource threw. */
    public Throwable lastThrown() {
        if (thrown.isEmpty()) {
            throw new IllegalStateException(label + " has thrown nothing");
        }
        return thrown.get(thrown.size() - 1);
    }

    /** The protocol calls this resource received, rendered as in {@link XaJournal#script()}. */
    public List<String> script() {
        return journal.script(label);
    }

    /** The branches prepared here and not yet committed, rolled back or forgotten, oldest first. */
    public List<Xid> inDoubt() {
        synchronized (inDoubt) {
            return new ArrayList<>(inDoubt.values());
        }
    }

    private void settle(Xid xid, boolean prepared) {
        String key = xid.getFormatId() + ":" + Arrays.toString(xid.getGlobalTransactionId()) + ":"
                + Arrays.toString(xid.getBranchQualifier());
        synchronized (inDoubt) {
            if (prepared) {
                inDoubt.put(key, xid);
            } else {
                inDoubt.remove(key);
            }
        }
    }

    /** The last timeout passed to setTransactionTimeout, 0 if none. */
    public int transactionTimeout() {
        return transactionTimeout;
    }

    void remember(Throwable failure) {
        thrown.add(failure);
    }

    private int react(Verb verb, Xid xid, int flags, int defaultResult) throws XAException {
        journal.record(
                new XaCall(label, verb, xid, flags, Thread.currentThread().getName()));
        int call = callCounts.get(verb).incrementAndGet();
        Reaction every = null;
        for (Rule rule : rules.get(verb)) {
            if (rule.nthCall == call) {
                return rule.reaction.apply(label + "." + verbName(verb) + " call " + call, this);
            }
            if (rule.nthCall == 0 && every == null) {
                every = rule.reaction;
            }
        }
        return every == null ? defaultResult : every.apply(label + "." + verbName(verb), this);
    }

    private static String verbName(Verb verb) {
        return verb.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        react(Verb.START, xid, flags, XA_OK);
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        react(Verb.END, xid, flags, XA_OK);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        int vote = react(Verb.PREPARE, xid, TMNOFLAGS, XA_OK);
        if (vote == XA_OK) {
            settle(xid, true);
        }
        return vote;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        react(Verb.COMMIT, xid, onePhase ? TMONEPHASE : TMNOFLAGS, XA_OK);
        settle(xid, false);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        react(Verb.ROLLBACK, xid, TMNOFLAGS, XA_OK);
        settle(xid, false);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        react(Verb.FORGET, xid, TMNOFLAGS, XA_OK);
        settle(xid, false);
    }

    /** Lists the branches in doubt when a scan starts (TMSTARTRSCAN), nothing on later calls. */
    @Override
    public Xid[] recover(int flag) throws XAException {
        react(Verb.RECOVER, null, flag, XA_OK);
        return (flag & TMSTARTRSCAN) != 0 ? inDoubt().toArray(Xid[]::new) : new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) throws XAException {
        react(Verb.IS_SAME_RM, null, TMNOFLAGS, XA_OK);
        return other instanceof ScriptedXAResource scripted && scripted.rmName.equals(rmName);
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        react(Verb.GET_TRANSACTION_TIMEOUT, null, TMNOFLAGS, XA_OK);
        return transactionTimeout;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        react(Verb.SET_TRANSACTION_TIMEOUT, null, seconds, XA_OK);
        transactionTimeout = seconds;
        return true;
    }

    @Override
    public String toString() {
        return "ScriptedXAResource[" + label + ", rm " + rmName + "]";
    }
}
