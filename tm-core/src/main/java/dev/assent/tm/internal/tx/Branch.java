package dev.assent.tm.internal.tx;

import dev.assent.tm.internal.xa.XaOutcomes;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * One branch of a transaction: one resource manager's share of the work, with its own Xid.
 * Further XAResource objects of the same resource manager join it (TMJOIN); the branch is
 * prepared and completed through the resource that started it.
 *
 * <p>Note on concurrency: {@code vote}, {@code completion} and {@code failure} are written by the
 * one thread that runs a phase for this branch and read by the coordinator after it has joined
 * that phase's tasks; volatile makes the hand-over visible without a lock.
 */
public final class Branch {
    private final AssentXid xid;
    private final XAResource resource;
    private final String resourceManagerName;

    private volatile XaOutcomes.Vote vote;
    private volatile XaOutcomes.Completion completion;
    private volatile XAException failure;
    private volatile XAException voteFailure;

    public Branch(AssentXid xid, XAResource resource, String resourceManagerName) {
        this.xid = xid;
        this.resource = resource;
        this.resourceManagerName = resourceManagerName;
    }

    public AssentXid xid() {
        return xid;
    }

    public XAResource resource() {
        return resource;
    }

    /** The name recovery uses to find this resource manager again, or null when it has none. */
    public String resourceManagerName() {
        return resourceManagerName;
    }

    public XaOutcomes.Vote vote() {
        return vote;
    }

    public void recordVote(XaOutcomes.Vote vote, XAException failure) {
        this.vote = vote;
        if (failure != null) {
            this.failure = failure;
            this.voteFailure = failure;
        }
    }

    /** What this branch's prepare threw (the reason for a NO vote), kept apart from later failures. */
    public XAException voteFailure() {
        return voteFailure;
    }

    public XaOutcomes.Completion completion() {
        return completion;
    }

    public void recordCompletion(XaOutcomes.Completion completion, XAException failure) {
        this.completion = completion;
        if (failure != null) {
            this.failure = failure;
        }
    }

    /** The last XAException this branch's resource threw, or null. */
    public XAException failure() {
        return failure;
    }

    @Override
    public String toString() {
        return (resourceManagerName == null ? "branch" : resourceManagerName) + "[" + xid + "]";
    }
}
