package dev.assent.samples.transfer;

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

    @Override
    public String toString() {
        return product.label() + " " + url;
    }
}
