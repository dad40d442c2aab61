package dev.vblk.qemu.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockTopology;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * VIRTIO_BLK_F_TOPOLOGY on QEMU 7.2's device, which offers it on every drive: the hints its block-size
 * properties give read into the device's info, the defaults (no hints beyond the logical block), and
 * the feature left alone when the options do not allow it.
 */
@RequiresQemu
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QemuTopologyTest {

    private static final DriverOptions TOPOLOGY = DriverOptions.DEFAULTS.withTopology(true);

    @TempDir
    Path directory;

    @Test
    void theBlockSizePropertiesOfTheDriveAreReadAsTopology() throws Exception {
        try (QemuMachine machine = start("-global", "virtio-blk-device.physical_block_size=4096",
                "-global", "virtio-blk-device.min_io_size=8192", "-global", "virtio-blk-device.opt_io_size=65536")) {
            VirtioBlkDevice device = open(machine, TOPOLOGY);
            assertTrue(FeatureBits.has(device.negotiatedFeatures(), BlkFeatures.TOPOLOGY));
            assertEquals(3, device.config().physicalBlockExp(), "4096-byte physical blocks of 512-byte logical ones");
            assertEquals(16, device.config().minIoSize());
            assertEquals(128, device.config().optIoSize());
            assertEquals(Optional.of(new BlockTopology(4096, 0, 8192, 65536)), device.info().topology());
            byte[] sector = new byte[DiskImages.SECTOR_SIZE];
            device.readAt(7, sector);
            assertArrayEquals(DiskImages.signature(7), sector);
        }
    }

    @Test
    void theHintsCountInTheDrivesLogicalBlocks() throws Exception {
        try (QemuMachine machine = start("-global", "virtio-blk-device.logical_block_size=4096",
                "-global", "virtio-blk-device.physical_block_size=8192", "-global", "virtio-blk-device.opt_io_size=32768")) {
            VirtioBlkDevice device = open(machine, TOPOLOGY);
            assertEquals(4096, device.info().blockSize());
            assertEquals(Optional.of(new BlockTopology(8192, 0, 0, 32768)), device.info().topology());
        }
    }

    @Test
    void byDefaultQemuHintsNothingBeyondTheLogicalBlockAndTheDriverLeavesTheFeatureUnlessAllowed() throws Exception {
        try (QemuMachine machine = start()) {
            assertEquals(Optional.of(new BlockTopology(512, 0, 0, 0)), open(machine, TOPOLOGY).info().topology());
            VirtioBlkDevice device = open(machine, DriverOptions.DEFAULTS);
            assertFalse(FeatureBits.has(device.negotiatedFeatures(), BlkFeatures.TOPOLOGY));
            assertEquals(Optional.empty(), device.info().topology());
        }
    }

    private QemuMachine start(String... extraArgs) throws Exception {
        return QemuMachine.start(QemuConfig.builder()
                .drive(DriveConfig.raw(DiskImages.raw(directory, "topology.img", 2048)))
                .extraArgs(extraArgs).build());
    }

    private static VirtioBlkDevice open(QemuMachine machine, DriverOptions options) {
        var attached = machine.drive(0);
        return VirtioBlkDevice.open(machine.platform(),
                new MmioSlot(attached.slot(), attached.transportAddress(), attached.interruptLine()), options);
    }
}
