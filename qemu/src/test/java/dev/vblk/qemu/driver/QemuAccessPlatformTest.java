package dev.vblk.qemu.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.qemu.AttachedDrive;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * VIRTIO_F_ACCESS_PLATFORM on QEMU's virtio-blk-device with {@code iommu_platform=on}: the virt board
 * has no vIOMMU, so device addresses are guest-physical ones and the driver maps nothing. A driver
 * that accepts the feature reads and writes correctly; one that does not is refused FEATURES_OK
 * (QEMU's virtio_validate_features).
 */
@RequiresQemu
class QemuAccessPlatformTest {

    private static final int SECTORS = 2048;

    @TempDir
    Path directory;

    private QemuMachine start() throws Exception {
        return QemuMachine.start(QemuConfig.builder()
                .drive(DriveConfig.raw(DiskImages.raw(directory, "iommu.img", SECTORS)))
                .extraArgs("-global", "virtio-blk-device.iommu_platform=on").build());
    }

    private static MmioSlot slot(QemuMachine machine) {
        AttachedDrive attached = machine.drive(0);
        return new MmioSlot(attached.slot(), attached.transportAddress(), attached.interruptLine());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aDriverAcceptingItReadsAndWritesCorrectly() throws Exception {
        try (QemuMachine machine = start();
                VirtioBlkDevice device = VirtioBlkDevice.open(machine.platform(), slot(machine),
                        DriverOptions.DEFAULTS.withAccessPlatform(true))) {
            assertTrue(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.ACCESS_PLATFORM));
            byte[] first = new byte[512];
            device.readAt(7, first);
            assertArrayEquals(DiskImages.signature(7), first);
            byte[] data = new byte[64 * 1024];
            new Random(33).nextBytes(data);
            device.writeAt(300, data);
            byte[] back = new byte[data.length];
            device.readAt(300, back);
            assertArrayEquals(data, back);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aDriverDecliningItIsRefusedFeaturesOk() throws Exception {
        try (QemuMachine machine = start()) {
            BlockDeviceException error = assertThrows(BlockDeviceException.class,
                    () -> VirtioBlkDevice.open(machine.platform(), slot(machine), DriverOptions.DEFAULTS));
            assertEquals(ErrorKind.FEATURE_NEGOTIATION_FAILED, error.kind(), error.getMessage());
            assertTrue(error.getMessage().contains("did not accept features"), error.getMessage());
        }
    }
}
