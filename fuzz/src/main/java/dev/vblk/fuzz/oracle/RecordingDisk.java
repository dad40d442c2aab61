package dev.vblk.fuzz.oracle;

import dev.vblk.fake.disk.DiskBacking;
import dev.vblk.fake.disk.InMemoryDisk;
import java.util.ArrayList;
import java.util.List;

/**
 * An in-memory disk that logs what the fake device did to it, so the oracle knows which requests
 * the device really executed (and so answered with status OK).
 */
final class RecordingDisk implements DiskBacking {

    /** One disk operation: {@code kind} is READ, WRITE, DISCARD or FLUSH. */
    record Op(String kind, long position, long length) {}

    private final InMemoryDisk inner;
    private final List<Op> ops = new ArrayList<>();

    RecordingDisk(long sectors) {
        this.inner = InMemoryDisk.ofSectors(sectors);
    }

    /** Forgets the logged operations. */
    void clearLog() {
        ops.clear();
    }

    /** Removes a logged operation equal to {@code op}; whether there was one. */
    boolean take(Op op) {
        return ops.remove(op);
    }

    /** Reads without logging: the oracle's look at the device's data. */
    byte[] peek(long position, int length) {
        byte[] bytes = new byte[length];
        inner.read(position, bytes, 0, length);
        return bytes;
    }

    @Override
    public long sizeBytes() {
        return inner.sizeBytes();
    }

    @Override
    public void read(long position, byte[] destination, int offset, int length) {
        inner.read(position, destination, offset, length);
        ops.add(new Op("READ", position, length));
    }

    @Override
    public void write(long position, byte[] source, int offset, int length) {
        inner.write(position, source, offset, length);
        ops.add(new Op("WRITE", position, length));
    }

    @Override
    public void discard(long position, long length) {
        inner.discard(position, length);
        ops.add(new Op("DISCARD", position, length));
    }

    @Override
    public void flush() {
        inner.flush();
        ops.add(new Op("FLUSH", 0, 0));
    }

    @Override
    public void resize(long newSizeBytes) {
        inner.resize(newSizeBytes);
    }
}
