package dev.assent.bench.e2e;

import java.util.List;

/** Assent with its xa-adapters pools, and the raw XA baseline it is measured against. */
class AssentTransferSmokeTest extends TransferSmokeContract {
    @Override
    List<E2eManager> systems() {
        return List.of(E2eManager.ASSENT, E2eManager.RAW_XA);
    }
}
