package dev.vblk.fuzz.oracle;

import dev.vblk.fake.disk.DiskBacking;
import dev.vblk.fake.disk.InMemoryDisk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory disk that logs what the fake device did to it, so the oracle knows which requests
 * the device really executed (and so answered with status OK).
 */
final class RecordingDisk implements DiskBacking {

    /** One disk operation: {@code kind} is READ, WRITE, DISCARD or FLUSH. */
    record Op(String kind, long position, long length) {

        // Written out: map keys and list lookups of every request, where the generated ones go
        // through method handles, which the client compiler (fuzz campaigns) does not inline.
        @Override
        public boolean equals(Object other) {
            return other == this || other instanceof Op op && op.position == position && op.length == length
                    && op.kind.equals(kind);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * kind.hashCode() + Long.hashCode(position)) + Long.hashCode(length);
        }
    }

    private final InMemoryDisk inner;
    private final List<Op> ops = new ArrayList<>();
    private final Map<Op, List<byte[]>> readData = new HashMap<>();

    RecordingDisk(long sectors) {
        this.inner = InMemoryDisk.ofSectors(sectors);
    }

    /** Forgets the logged operations. */
    void clearLog() {
        ops.clear();
        readData.clear();
    }

    /** Removes a logged operation equal to {@code op}; whether there was one. */
    boolean take(Op op) {
        return ops.remove(op);
    }

    /**
     * The bytes each read of {@code length} bytes from {@code position} since the log was cleared
     * gave the device, in order, or what the disk holds there now if it read none: what a read
     * request there may have returned, even when a later request of the same batch changed the disk
     * (several requests of a batch may read the same sectors, before and after a write).
     */
    List<byte[]> dataRead(long position, int length) {
        List<byte[]> reads = readData.get(new Op("READ", position, length));
        return reads != null ? reads.stream().map(byte[]::clone).toList() : List.of(peek(position, length));
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
        Op op = new Op("READ", position, length);
        ops.add(op);
        readData.computeIfAbsent(op, key -> new ArrayList<>()).add(Arrays.copyOfRange(destination, offset, offset + length));
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
