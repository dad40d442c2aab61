package dev.vblk.block;

/**
 * How a block device's storage is laid out beneath its logical blocks, as the device hints it: sizes
 * and offsets in bytes that make I/O faster when respected. They are hints only: a request that
 * ignores them is still correct, and nothing the driver does depends on them.
 *
 * @param physicalBlockBytes the physical block size: a write of less, or not aligned to it, may make
 *     the device read, modify and write a whole physical block (at least the logical block size)
 * @param alignmentOffsetBytes where the first physical block boundary lies from the start of the
 *     device (less than {@code physicalBlockBytes})
 * @param minIoBytes the smallest I/O without a performance penalty; 0 when the device gives none
 * @param optimalIoBytes the optimal sustained I/O size (a multiple of {@code minIoBytes} when both are
 *     given); 0 when the device gives none
 */
public record BlockTopology(int physicalBlockBytes, long alignmentOffsetBytes, long minIoBytes, long optimalIoBytes) {

    public BlockTopology {
        if (physicalBlockBytes < BlockDevice.SECTOR_SIZE || Integer.bitCount(physicalBlockBytes) != 1) {
            throw new IllegalArgumentException("physical block size must be a power of two of 512 or more: "
                    + physicalBlockBytes);
        }
        if (alignmentOffsetBytes < 0 || alignmentOffsetBytes >= physicalBlockBytes) {
            throw new IllegalArgumentException("alignment offset must lie within one physical block: " + alignmentOffsetBytes);
        }
        if (minIoBytes < 0 || optimalIoBytes < 0) {
            throw new IllegalArgumentException("I/O sizes cannot be negative");
        }
    }
}
