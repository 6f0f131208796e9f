package dev.assent.bench;

import dev.assent.bench.managers.Manager;

class NarayanaShadowSmokeTest extends ManagerSmokeContract {
    @Override
    Manager manager() {
        return Manager.NARAYANA_SHADOW;
    }
}
