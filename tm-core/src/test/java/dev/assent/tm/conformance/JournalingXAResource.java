package dev.assent.tm.conformance;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * An XAResource for the conformance scenarios: it writes each call into a journal shared by all
 * resources of a scenario ("a:prepare", "b:commit-2pc"...) and can be told to fail one verb with
 * one XA code. It knows no transaction manager's internals, so both Assent and Narayana drive it.
 */
final class JournalingXAResource implements XAResource {
    private final String name;
    private final List<String> journal;
    private volatile String failingVerb;
    private volatile int failingCode;
    private volatile int prepareVote = XA_OK;

    JournalingXAResource(String name, List<String> journal) {
        this.name = name;
        this.journal = journal;
    }

    static List<String> newJournal() {
        return new CopyOnWriteArrayList<>();
    }

    JournalingXAResource failing(String verb, int xaCode) {
        this.failingVerb = verb;
        this.failingCode = xaCode;
        return this;
    }

    JournalingXAResource votingReadOnly() {
        this.prepareVote = XA_RDONLY;
        return this;
    }

    private void call(String verb) throws XAException {
        journal.add(name + ":" + verb);
        if (verb.equals(failingVerb)) {
            XAException e = new XAException(name + " scripted to fail " + verb);
            e.errorCode = failingCode;
            throw e;
        }
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        call(flags == TMJOIN ? "start-join" : flags == TMRESUME ? "start-resume" : "start");
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        call(flags == TMFAIL ? "end-fail" : flags == TMSUSPEND ? "end-suspend" : "end");
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        call("prepare");
        return prepareVote;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        call(onePhase ? "commit-1pc" : "commit-2pc");
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        call("rollback");
    }

    @Override
    public void forget(Xid xid) throws XAException {
        call("forget");
    }

    @Override
    public Xid[] recover(int flag) {
        return new Xid[0];
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return true;
    }

    @Override
    public String toString() {
        return "JournalingXAResource[" + name + "]";
    }
}
