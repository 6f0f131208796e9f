package dev.assent.bench;

import dev.assent.bench.managers.Manager;

class AssentFileSmokeTest extends ManagerSmokeContract {
    @Override
    Manager manager() {
        return Manager.ASSENT_FILE;
    }
}
