package dev.assent.samples.gettingstarted;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * A Maven build of a project outside this repository, as its reader would run it, but against the
 * Assent modules of the build under test. The modules (their jars, or their class directories
 * jarred here when the tests run before packaging) and their POMs are staged in a file repository;
 * the nested build gets a local repository of its own (never the shared one, which it reads only)
 * through a generated settings file whose repositories are, in order: the staged modules (the only
 * source of Assent's snapshots), the outer build's local repository (so that it runs offline when
 * that one has everything) and, last, Maven's own default repository (Maven Central) for what it
 * lacks.
 */
final class NestedMavenBuild {
    private final Path repositoryRoot;
    private final Path workDirectory;
    private int runs;

    /**
     * @param repositoryRoot this repository's root, holding the root POM and the modules
     * @param workDirectory where the staged modules, the settings and the local repository live
     */
    NestedMavenBuild(Path repositoryRoot, Path workDirectory) {
        this.repositoryRoot = repositoryRoot;
        this.workDirectory = workDirectory;
    }

    /** Stages the parent POM and the given modules (artifact id and a class each module holds). */
    void stage(Map<String, Class<?>> modules) throws Exception {
        Path staged = workDirectory.resolve("staged-repository");
        deleteRecursively(staged);
        // The nested local repository keeps what it resolved; Assent's modules must come anew.
        deleteRecursively(localRepository().resolve("dev/assent"));
        Path rootPom = repositoryRoot.resolve("pom.xml");
        Element project = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(rootPom.toFile())
                .getDocumentElement();
        String groupId = childText(project, "groupId");
        String version = childText(project, "version");
        Path group = staged.resolve(groupId.replace('.', '/'));
        copy(rootPom, artifactFile(group, childText(project, "artifactId"), version, "pom"));
        for (Map.Entry<String, Class<?>> module : modules.entrySet()) {
            String artifactId = module.getKey();
            Path moduleDirectory = repositoryRoot.resolve(artifactId);
            copy(moduleDirectory.resolve("pom.xml"), artifactFile(group, artifactId, version, "pom"));
            Path built = codeSource(module.getValue());
            if (!built.startsWith(moduleDirectory.resolve("target"))) {
                throw new IllegalStateException(artifactId + " was loaded from " + built + ", not from this build's "
                        + moduleDirectory.resolve("target") + "; build it in the same reactor (-am)");
            }
            Path jar = artifactFile(group, artifactId, version, "jar");
            if (Files.isDirectory(built)) {
                jar(built, jar);
            } else {
                copy(built, jar);
            }
        }
        Files.writeString(workDirectory.resolve("settings.xml"), settings(staged), StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code mvn} with {@code arguments} in {@code project}, batch mode and the generated
     * settings added, and waits at most {@code limit}.
     */
    Result run(Path project, List<String> arguments, Duration limit) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                mavenExecutable(),
                "-B",
                "-s",
                workDirectory.resolve("settings.xml").toString()));
        command.addAll(arguments);
        int run = ++runs;
        Path stdout = workDirectory.resolve("run-" + run + ".stdout.txt");
        Path stderr = workDirectory.resolve("run-" + run + ".stderr.txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(project.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        // The JDK running these tests builds and runs the project too (exec:exec starts "java").
        Path javaHome = Path.of(System.getProperty("java.home"));
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment()
                .merge("PATH", javaHome.resolve("bin").toString(), (path, jdk) -> jdk + File.pathSeparator + path);
        // Options of the outer build must not leak into the reader's command.
        builder.environment().remove("MAVEN_ARGS");
        Process process = builder.start();
        process.getOutputStream().close();
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor();
            throw new AssertionError(String.join(" ", command) + " did not end within " + limit + "; it printed:\n"
                    + read(stdout) + read(stderr));
        }
        return new Result(command, process.exitValue(), read(stdout), read(stderr));
    }

    /** How a nested build ended; Maven's colour codes are taken out of its output. */
    record Result(List<String> command, int exitStatus, String stdout, String stderr) {
        List<String> stdoutLines() {
            return stdout.lines().filter(line -> !line.isBlank()).toList();
        }

        String describe() {
            return String.join(" ", command) + " ended with status " + exitStatus + "\n--- stdout:\n" + stdout
                    + "--- stderr:\n" + stderr;
        }
    }

    Path localRepository() {
        return workDirectory.resolve("local-repository");
    }

    private String settings(Path staged) {
        String outer = outerLocalRepository().toUri().toString();
        return """
                <settings>
                  <localRepository>%s</localRepository>
                  <profiles>
                    <profile>
                      <id>nested-build</id>
                      <repositories>
                        <repository>
                          <id>assent-under-test</id>
                          <url>%s</url>
                          <releases><enabled>false</enabled></releases>
                          <snapshots><enabled>true</enabled><updatePolicy>always</updatePolicy><checksumPolicy>ignore</checksumPolicy></snapshots>
                        </repository>
                        %s
                      </repositories>
                      <pluginRepositories>
                        %s
                      </pluginRepositories>
                    </profile>
                  </profiles>
                  <activeProfiles>
                    <activeProfile>nested-build</activeProfile>
                  </activeProfiles>
                </settings>
                """.formatted(
                        localRepository(),
                        staged.toUri(),
                        outerRepository("repository", outer),
                        outerRepository("pluginRepository", outer));
    }

    /** The outer local repository, read-only, for releases only; Maven adds its default one after it. */
    private static String outerRepository(String element, String outerLocalRepository) {
        return """
                <%1$s>
                  <id>outer-local-repository</id>
                  <url>%2$s</url>
                  <releases><enabled>true</enabled><checksumPolicy>ignore</checksumPolicy></releases>
                  <snapshots><enabled>false</enabled></snapshots>
                </%1$s>
                """.formatted(element, outerLocalRepository);
    }

    /** The outer build's local repository, passed by surefire; Maven's default when run elsewhere. */
    private static Path outerLocalRepository() {
        return propertyFromBuild("settings.localRepository")
                .map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".m2", "repository"));
    }

    /** The outer build's Maven (passed by surefire), else the one on the PATH. */
    private static String mavenExecutable() {
        return propertyFromBuild("maven.home")
                .map(home -> Path.of(home, "bin", "mvn"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .orElse("mvn");
    }

    /** A system property surefire passes from the build; unset, or left as "${...}" when the build had none. */
    private static Optional<String> propertyFromBuild(String name) {
        return Optional.ofNullable(System.getProperty(name))
                .filter(value -> !value.isBlank() && !value.startsWith("${"));
    }

    private static Path codeSource(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Path artifactFile(Path group, String artifactId, String version, String extension) {
        return group.resolve(artifactId).resolve(version).resolve(artifactId + "-" + version + "." + extension);
    }

    private static void jar(Path classes, Path jar) throws IOException {
        Files.createDirectories(jar.getParent());
        try (OutputStream out = Files.newOutputStream(jar);
                JarOutputStream jarOut = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                jarOut.putNextEntry(
                        new JarEntry(classes.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, jarOut);
                jarOut.closeEntry();
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to.getParent());
        Files.copy(from, to);
    }

    private static String childText(Element project, String name) {
        for (Node node = project.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(name)) {
                return element.getTextContent().strip();
            }
        }
        throw new IllegalStateException("the root pom.xml has no <" + name + "> of its own");
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).replaceAll("\u001B\\[[0-9;]*m", "");
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
