package dev.assent.samples.transfer;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.Properties;

/**
 * Where an embedded bank keeps its database under the data directory, and the marker beside it
 * ({@code <name>.seeded}) that the run which created and seeded the bank wrote. The transaction
 * log under the same directory may owe that database commits, so a bank that vanished while its
 * marker stays is never created and seeded afresh: the run refuses, saying what is missing.
 *
 * @param bank the bank's name ("bank-a")
 * @param product the database product
 * @param location the server's directory, or H2's database file without its ".mv.db"
 */
record BankStore(String bank, Endpoint.Product product, Path location) {

    BankStore {
        location = location.toAbsolutePath();
    }

    /** The marker file, beside the database. */
    Path marker() {
        return location.resolveSibling(location.getFileName() + ".seeded");
    }

    /** A file or directory the database cannot be without. */
    Path presence() {
        return switch (product) {
            case H2 -> location.resolveSibling(location.getFileName() + ".mv.db");
            case POSTGRES -> location.resolve("PG_VERSION");
            case MARIADB -> EmbeddedMariaDb.dataDirectory(location).resolve(EmbeddedMariaDb.DATABASE);
        };
    }

    boolean marked() {
        return Files.exists(marker());
    }

    /** Before any server starts: refuses when the marker says the bank was seeded but its files are gone. */
    void checkPresent() throws IOException, RunRefused {
        if (marked() && !Files.exists(presence())) {
            throw gone(Files.exists(shown()) ? "is incomplete (" + presence() + " is missing)" : "no longer exists");
        }
    }

    /** The refusal for a bank whose marker says it was seeded and whose database {@code what}. */
    RunRefused gone(String what) throws IOException {
        Properties seeded = readMarker();
        return new RunRefused(String.format(
                Locale.ROOT,
                "%s is gone: its %s database %s %s, though %s says an earlier run seeded it with %s accounts (%s in"
                        + " all); it is not seeded again, as the transaction log may still owe it transfers:"
                        + " restore its files, or delete %s to start afresh",
                bank,
                product.label(),
                shown(),
                what,
                marker(),
                seeded.getProperty("accounts", "?"),
                grouped(seeded.getProperty("total", "?")),
                location.getParent()));
    }

    /** The total the marker says the bank was seeded with. */
    long seededTotal() throws IOException {
        String total = readMarker().getProperty("total");
        try {
            return Long.parseLong(total);
        } catch (NumberFormatException e) {
            throw new IOException(
                    marker() + " holds no total ('" + total + "'); delete it and its bank's database to"
                            + " start that bank afresh",
                    e);
        }
    }

    /** The database as the user sees it: H2's file, or a server's directory. */
    private Path shown() {
        return product == Endpoint.Product.H2 ? presence() : location;
    }

    /** Records that the bank holds {@code accounts} accounts with {@code total} in all; written once it is durable. */
    void mark(int accounts, long total) throws IOException {
        Properties seeded = new Properties();
        seeded.setProperty("bank", bank);
        seeded.setProperty("product", product.label());
        seeded.setProperty("location", location.toString());
        seeded.setProperty("accounts", Integer.toString(accounts));
        seeded.setProperty("total", Long.toString(total));
        seeded.setProperty("seeded", Instant.now().toString());
        Path marker = marker();
        Path temporary = marker.resolveSibling(marker.getFileName() + ".new");
        try (Writer out = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            seeded.store(
                    out,
                    "Written by the transfer sample once it had created and seeded " + bank
                            + "; while this file exists, a run refuses to seed the bank afresh");
        }
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(temporary, marker, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String grouped(String number) {
        try {
            return String.format(Locale.ROOT, "%,d", Long.parseLong(number));
        } catch (NumberFormatException e) {
            return number;
        }
    }

    private Properties readMarker() throws IOException {
        Properties seeded = new Properties();
        try (Reader in = Files.newBufferedReader(marker(), StandardCharsets.UTF_8)) {
            seeded.load(in);
        }
        return seeded;
    }
}
