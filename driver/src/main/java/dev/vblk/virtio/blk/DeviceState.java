package dev.vblk.virtio.blk;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceInfo;
import dev.vblk.block.BlockTopology;
import dev.vblk.block.ZonedCharacteristics;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.InterruptStatus;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.VirtioTransport;
import java.util.Optional;

/**
 * What a virtio-blk device says of itself, as the driver last read it: the features agreed with it,
 * its configuration and the {@link BlockDeviceInfo} they give, and whether its status asks for a
 * reset. Every queue of the device shares it; whichever queue's thread takes a configuration
 * interrupt reads it again.
 */
final class DeviceState {

    private final VirtioTransport transport;
    private final String owner;
    private long features;
    private volatile VirtioBlkConfig config;
    private volatile BlockDeviceInfo info;

    DeviceState(VirtioTransport transport, String owner) {
        this.transport = transport;
        this.owner = owner;
    }

    /** The feature word agreed with the device. */
    long features() {
        return features;
    }

    /** Whether feature {@code bit} was agreed. */
    boolean has(int bit) {
        return FeatureBits.has(features, bit);
    }

    /** Keeps the feature word just agreed with the device. */
    void negotiated(long agreed) {
        this.features = agreed;
    }

    /** The configuration as last read. */
    VirtioBlkConfig config() {
        return config;
    }

    /** Geometry and capabilities as last described; see {@link #describe()}. */
    BlockDeviceInfo info() {
        return info;
    }

    /** Reads the configuration under the agreed features, and keeps it. */
    VirtioBlkConfig read() {
        config = VirtioBlkConfig.read(transport, features);
        return config;
    }

    /** Describes the configuration last read as the {@link #info()} block calls see. */
    void describe() {
        long blkSize = config.blkSize();
        boolean validBlockSize = blkSize >= BlockDevice.SECTOR_SIZE && blkSize <= 65536 && Long.bitCount(blkSize) == 1;
        boolean flush = has(BlkFeatures.FLUSH);
        boolean writeback = flush && (!has(BlkFeatures.CONFIG_WCE) || config.writeback() == 1);
        int blockSize = validBlockSize ? (int) blkSize : BlockDevice.SECTOR_SIZE;
        Optional<BlockTopology> topology = has(BlkFeatures.TOPOLOGY)
                ? Optional.of(TopologyHints.of(config, blockSize)) : Optional.empty();
        info = new BlockDeviceInfo(config.capacity(), blockSize, has(BlkFeatures.RO), flush, writeback,
                has(BlkFeatures.DISCARD), has(BlkFeatures.WRITE_ZEROES), topology,
                has(BlkFeatures.SECURE_ERASE) && config.secureEraseDefect().isEmpty(), has(BlkFeatures.LIFETIME),
                has(BlkFeatures.ZONED) ? zoned(config) : Optional.empty());
    }

    /** The zoned characteristics the configuration gives; a model or zone size the driver cannot use breaks the protocol. */
    private Optional<ZonedCharacteristics> zoned(VirtioBlkConfig config) {
        try {
            return config.zoned();
        } catch (IllegalArgumentException e) {
            throw new VirtioException(VirtioException.Kind.PROTOCOL_VIOLATION, owner, e.getMessage());
        }
    }

    /** Throws DEVICE_NEEDS_RESET if the device status says so. */
    void checkNeedsReset() {
        int status = transport.status();
        if ((status & DeviceStatus.DEVICE_NEEDS_RESET) != 0) {
            throw new VirtioException(VirtioException.Kind.DEVICE_NEEDS_RESET, owner,
                    "the device set DEVICE_NEEDS_RESET (status " + DeviceStatus.describe(status) + ")");
        }
    }

    /** Handles a configuration-change interrupt: DEVICE_NEEDS_RESET is checked, then the configuration re-read. */
    void changed() {
        checkNeedsReset();
        read();
        describe();
    }

    /**
     * Re-reads the configuration if the device has signalled a change; the interrupt is left pending
     * for its handler, which also checks DEVICE_NEEDS_RESET (and meets any error of the read again).
     */
    void refreshIfSignalled() {
        if (transport.interruptPending() && (transport.interruptStatus() & InterruptStatus.CONFIG_CHANGE) != 0) {
            try {
                read();
                describe();
            } catch (VirtioException e) {
                // Left for the interrupt handler, which reports it.
            }
        }
    }
}
