package dev.assent.xa.internal;

import dev.assent.xa.profile.DatabaseProfile;
import dev.assent.xa.profile.SuspendMode;
import dev.assent.xa.profile.XaVerb;
import javax.transaction.xa.XAException;

/** A profile that behaves like another one, for tests that change one of its answers. */
class DatabaseProfileDelegate implements DatabaseProfile {
    private final DatabaseProfile delegate;

    DatabaseProfileDelegate(DatabaseProfile delegate) {
        this.delegate = delegate;
    }

    @Override
    public String product() {
        return delegate.product();
    }

    @Override
    public String xaDataSourceClassName() {
        return delegate.xaDataSourceClassName();
    }

    @Override
    public XAException normalise(XaVerb verb, XAException e) {
        return delegate.normalise(verb, e);
    }

    @Override
    public SuspendMode suspendMode() {
        return delegate.suspendMode();
    }
}
