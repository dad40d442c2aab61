package dev.vblk.fuzz.oracle;

import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.BlockDeviceInfo;
import dev.vblk.block.BlockTopology;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link Invariant#DEVICE_INFO}: after a successful initialisation {@code negotiatedFeatures()} and
 * {@code info()} describe the device as negotiated: capacity, the zoned characteristics (and a zoned
 * interface) exactly when ZONED was negotiated with a zoned device, capabilities (secure erase only with
 * limits that allow one), write cache, block size,
 * identity, the largest transfer its segment limits allow, and the topology hints when
 * VIRTIO_BLK_F_TOPOLOGY is negotiated (none otherwise).
 */
final class DeviceInfoCheck {

    private final RunState run;

    DeviceInfoCheck(RunState run) {
        this.run = run;
    }

    void check(Where where) {
        VirtioBlkDevice driver = run.driver;
        long negotiated = run.fake.negotiatedFeatures();
        BlockDeviceInfo info = driver.info();
        List<String> wrong = new ArrayList<>();
        if (driver.negotiatedFeatures() != negotiated) {
            wrong.add(String.format("negotiatedFeatures 0x%x, device holds 0x%x", driver.negotiatedFeatures(), negotiated));
        }
        if (info.capacitySectors() != run.fake.capacitySectors()) {
            wrong.add("capacity " + info.capacitySectors() + ", device has " + run.fake.capacitySectors());
        }
        boolean flush = FeatureBits.has(negotiated, BlkFeatures.FLUSH);
        boolean wce = FeatureBits.has(negotiated, BlkFeatures.CONFIG_WCE);
        if (info.readOnly() != FeatureBits.has(negotiated, BlkFeatures.RO) || info.flushSupported() != flush
                || info.discardSupported() != FeatureBits.has(negotiated, BlkFeatures.DISCARD)
                || info.writeZeroesSupported() != FeatureBits.has(negotiated, BlkFeatures.WRITE_ZEROES)
                || info.secureEraseSupported() != (FeatureBits.has(negotiated, BlkFeatures.SECURE_ERASE)
                        && run.scenario.eraseLifetime().secureEraseLimitsUsable())
                || info.lifetimeSupported() != FeatureBits.has(negotiated, BlkFeatures.LIFETIME)) {
            wrong.add("capabilities " + info + " do not match features " + BlkFeatures.describe(negotiated));
        }
        boolean zoned = FeatureBits.has(negotiated, BlkFeatures.ZONED) && run.scenario.zoned().zoned();
        if (info.zoned().isPresent() != zoned || driver.zoned().isPresent() != zoned
                || zoned && info.zoned().get().zoneSectors() != run.scenario.zoned().zoneSectors()) {
            wrong.add("zoned characteristics " + info.zoned() + " with ZONED " + (zoned ? "" : "not ")
                    + "negotiated on a device " + (run.scenario.zoned().zoned() ? run.scenario.zoned() : "not zoned"));
        }
        if (info.writebackCache() != (flush && (!wce || run.fake.writeback() == 1))) {
            wrong.add("writebackCache " + info.writebackCache() + " with writeback field " + run.fake.writeback());
        }
        if (wce && run.fake.writeback() != 1) {
            wrong.add("CONFIG_WCE negotiated but the cache was left in writethrough mode");
        }
        long blkSize = run.spec.blkSize();
        boolean valid = FeatureBits.has(negotiated, BlkFeatures.BLK_SIZE) && blkSize >= 512 && blkSize <= 65536
                && Long.bitCount(blkSize) == 1;
        int reported = info.blockSize();
        if (valid ? reported != blkSize : reported < 512 || reported > 65536 || Integer.bitCount(reported) != 1) {
            wrong.add("block size " + reported + " for blk_size " + blkSize);
        }
        if (!driver.id().equals(new BlockDeviceId(VirtioBlkDevice.DEVICE_TYPE, run.slot.baseAddress()))
                || !driver.slot().equals(run.slot)) {
            wrong.add("id " + driver.id() + " / slot " + driver.slot() + " do not name " + run.slot);
        }
        if (driver.config().capacity() != run.fake.capacitySectors()) {
            wrong.add("config capacity " + driver.config().capacity());
        }
        long segments = run.queueSize() - 2L;
        if (FeatureBits.has(negotiated, BlkFeatures.SEG_MAX) && run.spec.segMax() > 0) {
            segments = Math.min(segments, run.spec.segMax());
        }
        long piece = FeatureBits.has(negotiated, BlkFeatures.SIZE_MAX) && run.spec.sizeMax() > 0
                ? Math.min(run.spec.sizeMax(), 4096) : 4096;
        long most = Math.min(run.options.maxRequestBytes(), segments * piece);
        int transfer = driver.maxTransferBytes();
        if (transfer < 512 || transfer % 512 != 0 || transfer > most) {
            wrong.add("maxTransferBytes " + transfer + ": not whole sectors from 512 to " + most
                    + " (seg_max and size_max over scattered pages)");
        }
        checkTopology(info, FeatureBits.has(negotiated, BlkFeatures.TOPOLOGY), wrong);
        if (!wrong.isEmpty()) {
            run.findings.add(Invariant.DEVICE_INFO, where, String.join("; ", wrong));
        }
    }

    /**
     * The topology reported against the fake's fields, in logical blocks of {@code info.blockSize()}:
     * absent unless negotiated; each hint that keeps its rule as the device gave it, each that breaks
     * it not taken (a physical block above 1 MiB as one logical block, an alignment offset of a whole
     * physical block or more as 0, an opt_io_size that is not a multiple of a non-zero min_io_size as
     * 0).
     */
    private void checkTopology(BlockDeviceInfo info, boolean negotiated, List<String> wrong) {
        Optional<BlockTopology> reported = info.topology();
        if (reported.isPresent() != negotiated) {
            wrong.add("topology " + reported + " with TOPOLOGY " + (negotiated ? "negotiated" : "not negotiated"));
            return;
        }
        if (!negotiated) {
            return;
        }
        FakeBlkConfig.Topology fields = run.scenario.resetTopology().topology();
        long logical = info.blockSize();
        long physical = fields.physicalBlockExp() < 32 && logical << fields.physicalBlockExp() <= 1 << 20
                ? logical << fields.physicalBlockExp() : logical;
        long alignment = fields.alignmentOffset() * logical < physical ? fields.alignmentOffset() * logical : 0;
        long optimal = fields.minIoSize() == 0 || fields.optIoSize() % fields.minIoSize() == 0
                ? fields.optIoSize() * logical : 0;
        BlockTopology expected = new BlockTopology((int) physical, alignment, fields.minIoSize() * logical, optimal);
        if (!reported.get().equals(expected)) {
            wrong.add("topology " + reported.get() + " for config fields " + fields + ", expected " + expected);
        }
    }
}
