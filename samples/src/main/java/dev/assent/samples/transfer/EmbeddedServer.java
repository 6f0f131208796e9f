package dev.assent.samples.transfer;

import java.io.IOException;

/** A database server this process started; stopped at the end of the run (or before a crash). */
interface EmbeddedServer extends AutoCloseable {

    /** The bank database on this server, created on first use. */
    Endpoint endpoint();

    /** How the server keeps what it acknowledged, in a few words for the start-up line. */
    String durability();

    @Override
    void close() throws IOException;
}
