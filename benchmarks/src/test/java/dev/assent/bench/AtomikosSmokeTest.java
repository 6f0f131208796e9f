package dev.assent.bench;

import dev.assent.bench.managers.Manager;

class AtomikosSmokeTest extends ManagerSmokeContract {
    @Override
    Manager manager() {
        return Manager.ATOMIKOS;
    }
}
