package dev.vblk.block;

import java.util.Objects;
import java.util.Optional;

/**
 * What a block device is and can do.
 *
 * @param capacitySectors capacity in 512-byte sectors
 * @param blockSize the device's logical block size in bytes (512 unless it says otherwise)
 * @param readOnly writes, discards, write-zeroes and secure erases are refused
 * @param flushSupported the device has a volatile cache that {@link BlockDevice#flush()} empties
 * @param writebackCache the device acknowledges writes before they are durable
 * @param discardSupported {@link BlockDevice#discard} is available
 * @param writeZeroesSupported {@link BlockDevice#writeZeroes} is available
 * @param topology the layout hints the device gives (physical block, alignment, I/O sizes), if it gives them
 * @param secureEraseSupported {@link BlockDevice#secureErase} is available
 * @param lifetimeSupported {@link BlockDevice#lifetime()} is available
 * @param zoned the zoned model and characteristics of a host-managed or host-aware device, whose zone
 *     commands a {@link ZonedBlockDevice} gives; empty for any other device
 */
public record BlockDeviceInfo(
        long capacitySectors,
        int blockSize,
        boolean readOnly,
        boolean flushSupported,
        boolean writebackCache,
        boolean discardSupported,
        boolean writeZeroesSupported,
        Optional<BlockTopology> topology,
        boolean secureEraseSupported,
        boolean lifetimeSupported,
        Optional<ZonedCharacteristics> zoned) {

    public BlockDeviceInfo {
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(zoned, "zoned");
    }

    /** A device that gives no topology hints, with no secure erase, no lifetime report and no zones. */
    public BlockDeviceInfo(long capacitySectors, int blockSize, boolean readOnly, boolean flushSupported,
            boolean writebackCache, boolean discardSupported, boolean writeZeroesSupported) {
        this(capacitySectors, blockSize, readOnly, flushSupported, writebackCache, discardSupported, writeZeroesSupported,
                Optional.empty(), false, false, Optional.empty());
    }

    /** Capacity in bytes. */
    public long capacityBytes() {
        return capacitySectors * BlockDevice.SECTOR_SIZE;
    }
}
