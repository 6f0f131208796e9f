package dev.assent.bench;

import dev.assent.bench.managers.Manager;

class GeronimoHowlSmokeTest extends ManagerSmokeContract {
    @Override
    Manager manager() {
        return Manager.GERONIMO_HOWL;
    }
}
