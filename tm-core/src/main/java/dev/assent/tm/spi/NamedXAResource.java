package dev.assent.tm.spi;

import javax.transaction.xa.XAResource;

/**
 * An XAResource that tells the name of its resource manager. The name is written into the
 * commit-decision record of every branch, so that recovery knows which registered recovery
 * resource ({@code addRecoveryResource(name, ...)}) must finish the branch after a crash.
 */
public interface NamedXAResource extends XAResource {
    /** A name stable across restarts, e.g. "bank-a"; the same name used for recovery registration. */
    String resourceManagerName();
}
