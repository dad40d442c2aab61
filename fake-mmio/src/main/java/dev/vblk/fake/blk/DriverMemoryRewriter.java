package dev.vblk.fake.blk;

import java.util.Arrays;

/**
 * The double-fetch lie: once the device has fetched a chain (and so will execute what the driver
 * asked), it fills one part of the driver-written memory of that chain with a byte pattern. A driver
 * that keeps its own copy of what it wrote never notices; one that reads it back acts on the lie.
 */
final class DriverMemoryRewriter {

    private final GuestDma dma;

    DriverMemoryRewriter(GuestDma dma) {
        this.dma = dma;
    }

    /** Fills every byte of {@code footprint}'s {@code target} with {@code pattern}'s low byte. */
    void rewrite(ChainFootprint footprint, MemoryTarget target, int pattern) {
        for (MemorySpan span : footprint.spans(target)) {
            byte[] bytes = new byte[(int) span.length()];
            Arrays.fill(bytes, (byte) pattern);
            dma.write(span.address(), bytes);
        }
    }
}
