package dev.vblk.fake.blk;

/**
 * Which driver-written memory of a request's chain a lying device rewrites once it has fetched the
 * chain ({@link RequestOutcome.Rewriting}): what a driver that reads back its own published copies
 * would then see changed under it.
 */
public enum MemoryTarget {
    /**
     * The chain's entries in the queue's descriptor table (split: all 16 bytes, address, length,
     * flags and next; packed: address, length and buffer id, never the flags, which the device
     * writes itself when it marks a position used).
     */
    DESCRIPTORS,
    /** The entries of the chain's indirect descriptor table, when it has one. */
    INDIRECT_TABLE,
    /** The available-ring entry that named the chain's head (split ring; the packed ring has none). */
    AVAILABLE_RING,
    /** The 16-byte request header: type, reserved word and sector. */
    HEADER,
    /** The device-readable bytes after the header: a write's data, a discard's or write-zeroes' ranges. */
    WRITE_DATA
}
