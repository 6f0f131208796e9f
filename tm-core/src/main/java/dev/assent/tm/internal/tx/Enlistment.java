package dev.assent.tm.internal.tx;

import java.util.concurrent.atomic.AtomicReference;
import javax.transaction.xa.XAResource;

/**
 * One XAResource object's association with a branch (the XA "thread of control" view:
 * start, end, suspend, resume). Several enlistments may share one branch (TMJOIN).
 *
 * <p>Note on concurrency: the association moves by compare-and-set only. The application thread
 * moves it through STARTING, ACTIVE, SUSPENDED and ENDED; a concurrent rollback (the timeout
 * reaper) claims ACTIVE or SUSPENDED associations to end them, and turns STARTING into
 * ABANDONED, after which the enlisting thread cleans up the branch it was starting itself.
 */
public final class Enlistment {

    public enum Association {
        STARTING,
        ACTIVE,
        SUSPENDED,
        ENDED,
        ABANDONED
    }

    private final XAResource resource;
    private final Branch branch;
    private final AtomicReference<Association> association;

    public Enlistment(XAResource resource, Branch branch, Association initial) {
        this.resource = resource;
        this.branch = branch;
        this.association = new AtomicReference<>(initial);
    }

    public XAResource resource() {
        return resource;
    }

    public Branch branch() {
        return branch;
    }

    public Association association() {
        return association.get();
    }

    public boolean move(Association from, Association to) {
        return association.compareAndSet(from, to);
    }
}
