package dev.assent.xa.profile;

import java.util.Objects;
import javax.transaction.xa.XAException;

/**
 * Any XADataSource whose quirks are not known: code 0 is read from the SQL cause (never taken as
 * success), every other code is trusted as the driver gives it, suspend is tried natively and kept
 * in place when the driver refuses it, and every branch is prepared.
 */
public final class GenericProfile implements DatabaseProfile {
    private final String product;
    private final String xaDataSourceClassName;

    /**
     * @param product the database's name, for messages
     * @param xaDataSourceClassName the driver's XADataSource class, instantiated by the pool and
     *     configured through its bean setters from the builder's properties
     */
    public GenericProfile(String product, String xaDataSourceClassName) {
        this.product = Objects.requireNonNull(product, "product");
        this.xaDataSourceClassName = Objects.requireNonNull(xaDataSourceClassName, "xaDataSourceClassName");
    }

    @Override
    public String product() {
        return product;
    }

    @Override
    public String xaDataSourceClassName() {
        return xaDataSourceClassName;
    }

    @Override
    public SuspendMode suspendMode() {
        return SuspendMode.NATIVE;
    }

    @Override
    public XAException normalise(XaVerb verb, XAException e) {
        return e.errorCode == 0 ? XaErrors.fromSqlCause(e) : e;
    }
}
