package dev.assent.bench.managers;

import dev.assent.bench.NoOpXAResource;
import jakarta.transaction.TransactionManager;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import javax.transaction.xa.XAResource;
import org.apache.geronimo.transaction.log.HOWLLog;
import org.apache.geronimo.transaction.manager.TransactionManagerImpl;
import org.apache.geronimo.transaction.manager.WrapperNamedXAResource;
import org.apache.geronimo.transaction.manager.XidFactory;
import org.apache.geronimo.transaction.manager.XidFactoryImpl;

/**
 * Geronimo's transaction manager over its HOWL log, configured with the defaults Apache Aries
 * Transaction (the usual way Geronimo's manager is deployed today) ships.
 */
final class GeronimoManager implements ManagerUnderTest {
    private static final int DEFAULT_TIMEOUT_SECONDS = 600;

    private final String id;
    private final HOWLLog log;
    private final TransactionManagerImpl tm;

    private GeronimoManager(String id, HOWLLog log, TransactionManagerImpl tm) {
        this.id = id;
        this.log = log;
        this.tm = tm;
    }

    static GeronimoManager start(String id, Path directory) throws Exception {
        XidFactory xids = new XidFactoryImpl("bench".getBytes(StandardCharsets.US_ASCII));
        HOWLLog log = new HOWLLog(
                "org.objectweb.howl.log.BlockLogBuffer", // bufferClassName
                32, // bufferSizeKBytes
                true, // checksumEnabled
                true, // adler32Checksum
                50, // flushSleepTimeMilliseconds
                directory.toString(), // logFileDir
                "log", // logFileExt
                "transaction", // logFileName
                -1, // maxBlocksPerFile
                0, // maxBuffers (0: HOWL's default)
                2, // maxLogFiles
                4, // minBuffers
                -1, // threadsWaitingForceThreshold
                xids,
                directory.toFile());
        log.doStart();
        try {
            return new GeronimoManager(id, log, new TransactionManagerImpl(DEFAULT_TIMEOUT_SECONDS, xids, log));
        } catch (Exception | Error e) {
            log.doStop();
            throw e;
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TransactionManager transactionManager() {
        return tm;
    }

    /** Geronimo's connector layer wraps every resource with its name, which the log records. */
    @Override
    public XAResource enlistable(NoOpXAResource resource) {
        return new WrapperNamedXAResource(resource, resource.resourceManager());
    }

    @Override
    public void close() throws IOException {
        try {
            log.doStop();
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("the HOWL log did not stop cleanly", e);
        }
    }
}
