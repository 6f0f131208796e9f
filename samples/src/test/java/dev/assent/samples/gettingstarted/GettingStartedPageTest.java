package dev.assent.samples.gettingstarted;

import static org.assertj.core.api.Assertions.assertThat;

import dev.assent.tm.Assent;
import dev.assent.xa.AssentDataSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import org.junit.jupiter.api.Test;

/**
 * docs/getting-started.md works as written. Scenario: the files the page shows (pom.xml and
 * Transfer.java) are written into an empty directory and the page's own command runs them with a
 * separate Maven, against the tm-core and xa-adapters of this build (staged by {@link
 * NestedMavenBuild}, never taken from the shared local repository), on two H2 file databases.
 * Expected: exactly the output the page shows (one transfer committed in both databases, one
 * rolled back in both, the balances after each), Assent's log on standard error through the
 * page's SLF4J binding with no warning in it; and a second run of the same command in the same
 * directory, as a reader would, starting a new run of the log with the same output.
 */
class GettingStartedPageTest {
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(5);

    @Test
    void theProjectOnThePageBuildsRunsAndPrintsWhatThePageSays() throws Exception {
        Path repositoryRoot =
                Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
        GettingStartedPage page = GettingStartedPage.read(repositoryRoot.resolve("docs/getting-started.md"));
        assertThat(page.files()).containsOnlyKeys("pom.xml", "src/main/java/com/example/Transfer.java");
        assertThat(page.runCommand()).first().isEqualTo("mvn");
        assertThat(page.expectedOutput())
                .as("the page's promise: one committed transfer, one rolled back, the balances after each")
                .containsExactly(
                        "committed: alice paid bob 30",
                        "balances: alice 70, bob 30",
                        "rolled back: alice cannot pay 500",
                        "balances: alice 70, bob 30");

        Path work = repositoryRoot.resolve("samples/target/getting-started");
        NestedMavenBuild build = new NestedMavenBuild(repositoryRoot, work);
        build.stage(Map.of("tm-core", Assent.class, "xa-adapters", AssentDataSources.class));
        Path project = work.resolve("project");
        NestedMavenBuild.deleteRecursively(project);
        for (Entry<String, String> file : page.files().entrySet()) {
            Path target = project.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
        }
        List<String> arguments = page.runCommand().subList(1, page.runCommand().size());

        NestedMavenBuild.Result first = build.run(project, arguments, BUILD_LIMIT);
        assertThat(first.exitStatus()).as(first.describe()).isZero();
        assertThat(first.stdoutLines()).as(first.describe()).isEqualTo(page.expectedOutput());
        assertThat(first.stderr())
                .as(first.describe())
                .contains("transaction log " + project.resolve("data/assent-log") + " opened: ")
                .contains(", 0 segments read, ")
                .contains("DataSource 'bank-a' ready: H2 at jdbc:h2:./data/bank-a;WRITE_DELAY=0")
                .doesNotContain(" WARN ", "SLF4J(W)");
        assertThat(project.resolve("data/bank-a.mv.db")).exists();
        assertThat(project.resolve("data/bank-b.mv.db")).exists();

        NestedMavenBuild.Result second = build.run(project, arguments, BUILD_LIMIT);
        assertThat(second.exitStatus()).as(second.describe()).isZero();
        assertThat(second.stdoutLines()).as(second.describe()).isEqualTo(page.expectedOutput());
        assertThat(second.stderr()).as(second.describe()).contains(" opened: ", ", 1 segment read, ");
    }
}
