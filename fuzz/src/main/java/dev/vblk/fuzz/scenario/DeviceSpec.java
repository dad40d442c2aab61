package dev.vblk.fuzz.scenario;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.disk.DiskBacking;
import dev.vblk.virtio.blk.BlkFeatures;

/**
 * The fixed part of a hostile device: what its configuration space and feature word say for its
 * whole life. Faults that can be switched off again are in {@link DeviceFaultSpec}.
 *
 * @param capacitySectors the disk's size in 512-byte sectors (the config capacity)
 * @param offeredFeatures the feature word the device offers (before any withheld bits)
 * @param readOnly the device offers VIRTIO_BLK_F_RO and refuses writes
 * @param idString the GET_ID answer
 * @param sizeMax config size_max
 * @param segMax config seg_max
 * @param blkSize config blk_size
 * @param writeback config writeback after reset
 * @param maxDiscardSectors config max_discard_sectors
 * @param discardAlignment config discard_sector_alignment
 * @param maxWriteZeroesSectors config max_write_zeroes_sectors
 */
public record DeviceSpec(
        long capacitySectors,
        long offeredFeatures,
        boolean readOnly,
        String idString,
        long sizeMax,
        long segMax,
        long blkSize,
        int writeback,
        long maxDiscardSectors,
        long discardAlignment,
        long maxWriteZeroesSectors) {

    /** The request queues (num_queues) of a device that offers VIRTIO_BLK_F_MQ. */
    public static final int MULTI_QUEUE_QUEUES = 4;

    /** The fake device's configuration over {@code disk}, answering requests through {@code hook}. */
    public FakeBlkConfig toConfig(DiskBacking disk, RequestHook hook) {
        return FakeBlkConfig.builder()
                .disk(disk)
                .readOnly(readOnly)
                .features(offeredFeatures)
                .numQueues(has(BlkFeatures.MQ) ? MULTI_QUEUE_QUEUES : 1)
                .idString(idString)
                .sizeMax(sizeMax)
                .segMax(segMax)
                .blkSize(blkSize)
                .writeback(writeback)
                .discard(new FakeBlkConfig.DiscardLimits(maxDiscardSectors, 1, discardAlignment))
                .writeZeroes(new FakeBlkConfig.WriteZeroesLimits(maxWriteZeroesSectors, 1, true))
                .requestHook(hook)
                .build();
    }

    /**
     * Whether a request on a queue of {@code queueSize} descriptors can carry one sector under the
     * device's SEG_MAX and SIZE_MAX when the data is split into separate pages: one descriptor each
     * goes to the header and the status, each data descriptor holds at most {@code size_max} bytes
     * and does not cross a page. A driver may refuse a device that cannot, at initialisation.
     */
    public boolean canCarryOneSector(int queueSize) {
        long segments = queueSize - 2L;
        if (has(BlkFeatures.SEG_MAX) && segMax > 0) {
            segments = Math.min(segments, segMax);
        }
        long piece = has(BlkFeatures.SIZE_MAX) && sizeMax > 0 ? Math.min(sizeMax, 4096) : 4096;
        return segments * piece >= 512;
    }

    private boolean has(int feature) {
        return (offeredFeatures & (1L << feature)) != 0;
    }

    @Override
    public String toString() {
        return String.format("capacity %d sectors, features %s%s, id \"%s\", size_max %d, seg_max %d, blk_size %d, "
                + "writeback %d, discard max %d align %d, write-zeroes max %d",
                capacitySectors, BlkFeatures.describe(offeredFeatures), readOnly ? ", read-only" : "", idString,
                sizeMax, segMax, blkSize, writeback, maxDiscardSectors, discardAlignment, maxWriteZeroesSectors);
    }
}
