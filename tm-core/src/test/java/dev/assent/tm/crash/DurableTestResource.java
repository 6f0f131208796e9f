package dev.assent.tm.crash;

import dev.assent.tm.internal.tx.AssentXid;
import dev.assent.tm.spi.NamedXAResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * A resource manager that really persists its branches, so that a process can die and another
 * find them again: a prepared branch is a synced file under {@code prepared/} naming the Xid and
 * the keys it writes; a committed key is a synced file under {@code committed/}. Work between
 * start and prepare lives in memory only, as in a database. The crash tests use it as the two
 * "databases" of a transaction.
 */
public final class DurableTestResource implements NamedXAResource {
    private static final HexFormat HEX = HexFormat.of();

    /** Called at protocol points; the crash child halts the JVM from here. */
    public interface Hook {
        void at(String point, String resourceName);
    }

    private final String name;
    private final Path prepared;
    private final Path committed;
    private final Hook hook;
    private final Map<AssentXid, List<String>> pending = new ConcurrentHashMap<>();
    private final Map<Thread, AssentXid> associated = new ConcurrentHashMap<>();

    public DurableTestResource(String name, Path directory, Hook hook) {
        this.name = name;
        this.prepared = directory.resolve("prepared");
        this.committed = directory.resolve("committed");
        this.hook = hook;
        try {
            Files.createDirectories(prepared);
            Files.createDirectories(committed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String resourceManagerName() {
        return name;
    }

    /** Records a key written by the branch the calling thread is associated with. */
    public void write(String key) {
        AssentXid xid = associated.get(Thread.currentThread());
        if (xid == null) {
            throw new IllegalStateException(name + ": write outside a transaction branch");
        }
        pending.computeIfAbsent(xid, x -> new ArrayList<>()).add(key);
    }

    public Set<String> committedKeys() {
        try (Stream<Path> files = Files.list(committed)) {
            return files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Xid> preparedBranches() {
        return List.of(recover(TMSTARTRSCAN | TMENDRSCAN));
    }

    /** Leaves a prepared branch made by someone else (another node) in this resource manager. */
    void prepareForeign(Xid xid, String key) throws XAException {
        writeSynced(preparedFile(AssentXid.copyOf(xid)), key);
    }

    @Override
    public void start(Xid xid, int flags) {
        associated.put(Thread.currentThread(), AssentXid.copyOf(xid));
    }

    @Override
    public void end(Xid xid, int flags) {
        associated.remove(Thread.currentThread());
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        AssentXid branch = AssentXid.copyOf(xid);
        hook.at("before-prepare", name);
        List<String> keys = pending.remove(branch);
        if (keys == null || keys.isEmpty()) {
            return XA_RDONLY;
        }
        writeSynced(preparedFile(branch), String.join("\n", keys));
        hook.at("after-prepare", name);
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        AssentXid branch = AssentXid.copyOf(xid);
        List<String> keys;
        Path file = preparedFile(branch);
        if (onePhase) {
            keys = pending.remove(branch);
            if (keys == null) {
                throw error(XAException.XAER_NOTA, "no such branch " + branch);
            }
        } else {
            if (!Files.exists(file)) {
                throw error(XAException.XAER_NOTA, "no prepared branch " + branch);
            }
            keys = readKeys(file);
        }
        for (String key : keys) {
            writeSynced(committed.resolve(key), branch.toString());
        }
        delete(file);
        hook.at("after-commit", name);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        AssentXid branch = AssentXid.copyOf(xid);
        boolean known = pending.remove(branch) != null;
        Path file = preparedFile(branch);
        if (Files.exists(file)) {
            delete(file);
            known = true;
        }
        if (!known) {
            throw error(XAException.XAER_NOTA, "no such branch " + branch);
        }
        hook.at("after-rollback", name);
    }

    @Override
    public Xid[] recover(int flag) {
        try (Stream<Path> files = Files.list(prepared)) {
            return files.map(p -> parse(p.getFileName().toString())).toArray(Xid[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void forget(Xid xid) {}

    @Override
    public boolean isSameRM(XAResource other) {
        return other instanceof DurableTestResource that && that.name.equals(name);
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }

    private Path preparedFile(AssentXid xid) {
        return prepared.resolve(xid.getFormatId() + "_" + HEX.formatHex(xid.getGlobalTransactionId()) + "_"
                + HEX.formatHex(xid.getBranchQualifier()));
    }

    private static AssentXid parse(String fileName) {
        String[] parts = fileName.split("_", -1);
        return new AssentXid(Integer.parseInt(parts[0]), HEX.parseHex(parts[1]), HEX.parseHex(parts[2]));
    }

    private static List<String> readKeys(Path file) throws XAException {
        try {
            return List.of(Files.readString(file, StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
            throw error(XAException.XAER_RMERR, "cannot read " + file + ": " + e);
        }
    }

    private static void writeSynced(Path file, String content) throws XAException {
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            channel.force(true);
        } catch (IOException e) {
            throw error(XAException.XAER_RMERR, "cannot write " + file + ": " + e);
        }
    }

    private static void delete(Path file) throws XAException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw error(XAException.XAER_RMERR, "cannot delete " + file + ": " + e);
        }
    }

    private static XAException error(int code, String message) {
        XAException e = new XAException(message);
        e.errorCode = code;
        return e;
    }
}
