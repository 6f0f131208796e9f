package dev.assent.bench.e2e;

import java.util.List;

/** Narayana with Agroal: each pool must enlist its own connection (one integration per pool). */
class NarayanaTransferSmokeTest extends TransferSmokeContract {
    @Override
    List<E2eManager> systems() {
        return List.of(E2eManager.NARAYANA_JOURNAL);
    }
}
