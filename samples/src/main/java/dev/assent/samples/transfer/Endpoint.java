package dev.assent.samples.transfer;

import java.nio.file.Path;
import java.util.Locale;

/** Where one bank's database is and how to log in; the product follows from the JDBC URL. */
record Endpoint(Product product, String url, String user, String password) {

    /** The databases the sample knows how to query for prepared transactions. */
    enum Product {
        H2("H2"),
        POSTGRES("PostgreSQL"),
        MARIADB("MariaDB");

        private final String label;

        Product(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /** An endpoint given on the command line; the option name goes into the error message. */
    static Endpoint of(String option, String url, String user, String password) {
        String lower = url.toLowerCase(Locale.ROOT);
        Product product;
        if (lower.startsWith("jdbc:postgresql:")) {
            product = Product.POSTGRES;
        } else if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
            product = Product.MARIADB;
        } else if (lower.startsWith("jdbc:h2:")) {
            product = Product.H2;
        } else {
            throw new IllegalArgumentException(option
                    + " must start with jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql: or jdbc:h2:, got '" + url + "'");
        }
        return new Endpoint(product, url, user, password);
    }

    /**
     * The database the URL names, spelled one way: settings and parameters dropped, an H2 file as
     * an absolute path, server hosts in lower case with their default port. Two URLs with the same
     * key reach the same database; different keys may still do so (a symbolic link, a host's other
     * name), which only a look into the databases themselves can tell.
     */
    String databaseKey() {
        String rest = url.substring(url.indexOf(':', "jdbc:".length()) + 1);
        return switch (product) {
            case H2 -> "h2:" + h2Database(rest);
            case POSTGRES -> "postgresql:" + serverDatabase(rest, "5432");
            case MARIADB -> "mariadb:" + serverDatabase(rest, "3306");
        };
    }

    private static String h2Database(String rest) {
        String name = rest.split(";", 2)[0];
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("mem:") || lower.startsWith("tcp:") || lower.startsWith("ssl:")) {
            return lower;
        }
        if (lower.startsWith("file:")) {
            name = name.substring("file:".length());
        }
        if (name.startsWith("~")) {
            name = System.getProperty("user.home") + name.substring(1);
        }
        return Path.of(name).toAbsolutePath().normalize().toString();
    }

    /** {@code //host[:port][,host[:port]]/database?parameters}, or just {@code database} on localhost. */
    private static String serverDatabase(String rest, String defaultPort) {
        String withoutParameters = rest.split("\\?", 2)[0];
        if (!withoutParameters.startsWith("//")) {
            return "localhost:" + defaultPort + "/" + withoutParameters;
        }
        String[] hostsAndDatabase = withoutParameters.substring(2).split("/", 2);
        StringBuilder hosts = new StringBuilder();
        for (String host : hostsAndDatabase[0].toLowerCase(Locale.ROOT).split(",")) {
            boolean hasPort = host.lastIndexOf(':') > host.lastIndexOf(']');
            hosts.append(hosts.length() == 0 ? "" : ",")
                    .append(host.isEmpty() ? "localhost" : host)
                    .append(hasPort ? "" : ":" + defaultPort);
        }
        return hosts + "/" + (hostsAndDatabase.length > 1 ? hostsAndDatabase[1] : "");
    }

    @Override
    public String toString() {
        return product.label() + " " + url;
    }
}
