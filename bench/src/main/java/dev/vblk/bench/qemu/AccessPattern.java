package dev.vblk.bench.qemu;

import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;

/**
 * One measured access pattern: the size of each call, reads or writes, random or sequential
 * positions, and whether its figure is calls per second or megabytes per second.
 */
enum AccessPattern {
    /** 4 KiB reads at random 4 KiB-aligned positions, one at a time. */
    RANDOM_4K_READ("4 KiB random read", 4096, false, true, "req/s", 1),
    /** 4 KiB reads at random 4 KiB-aligned positions, 32 submitted at a time and waited for together. */
    RANDOM_4K_READ_DEPTH_32("4 KiB random read, depth 32", 4096, false, true, "req/s", 32),
    /** 1 MiB reads one after another through the image. */
    SEQUENTIAL_1M_READ("1 MiB sequential read", 1 << 20, false, false, "MB/s", 1),
    /** 1 MiB writes one after another through the image. */
    SEQUENTIAL_1M_WRITE("1 MiB sequential write", 1 << 20, true, false, "MB/s", 1);

    private static final int SECTOR = 512;

    private final String label;
    private final int callBytes;
    private final boolean write;
    private final boolean random;
    private final String unit;
    private final int depth;

    AccessPattern(String label, int callBytes, boolean write, boolean random, String unit, int depth) {
        this.label = label;
        this.callBytes = callBytes;
        this.write = write;
        this.random = random;
        this.unit = unit;
        this.depth = depth;
    }

    /** Whether the benchmark also measures it on the packed ring: the 4 KiB random reads. */
    boolean comparesRings() {
        return this == RANDOM_4K_READ || this == RANDOM_4K_READ_DEPTH_32;
    }

    /** How many calls are submitted together and waited for at once (1: one synchronous call at a time). */
    int depth() {
        return depth;
    }

    String label() {
        return label;
    }

    int callBytes() {
        return callBytes;
    }

    boolean write() {
        return write;
    }

    String unit() {
        return unit;
    }

    /**
     * The first sector of each call, by call number, on an image of {@code imageSectors}: the same
     * sequence every time, aligned to the call size.
     */
    LongUnaryOperator positions(long imageSectors) {
        long slots = imageSectors / (callBytes / SECTOR);
        SplittableRandom positions = new SplittableRandom(1);
        return call -> (random ? positions.nextLong(slots) : call % slots) * (callBytes / SECTOR);
    }

    /** The bytes each write sends, and the buffer each read fills: {@link #callBytes()} of them. */
    byte[] payload() {
        byte[] payload = new byte[callBytes];
        new SplittableRandom(2).nextBytes(payload);
        return payload;
    }

    /** The figure this workload is judged by: calls per second, or 10^6 bytes per second. */
    double rate(Measurement measurement) {
        double seconds = measurement.nanos() / 1e9;
        return unit.equals("req/s") ? measurement.calls() / seconds : measurement.calls() * (double) callBytes / 1e6 / seconds;
    }
}
