package dev.assent.bench.e2e;

import java.util.List;

/** Atomikos with its own DataSource beans. */
class AtomikosTransferSmokeTest extends TransferSmokeContract {
    @Override
    List<E2eManager> systems() {
        return List.of(E2eManager.ATOMIKOS);
    }
}
