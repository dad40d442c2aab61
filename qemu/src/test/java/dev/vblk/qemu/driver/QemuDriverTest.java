package dev.vblk.qemu.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.MmioScanner;
import dev.vblk.discovery.MmioWindow;
import dev.vblk.discovery.SlotReport;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import dev.vblk.qemu.BlkdebugRule;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuException;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unchanged driver against QEMU's real virtio-blk device. */
@RequiresQemu
class QemuDriverTest {

    @TempDir
    Path directory;

    private static VirtioBlkDevice open(QemuMachine machine, int drive) {
        var attached = machine.drive(drive);
        return VirtioBlkDevice.open(machine.platform(),
                new MmioSlot(attached.slot(), attached.transportAddress(), attached.interruptLine()), DriverOptions.DEFAULTS);
    }

    @Test
    void knownSectorsReadBackTheirSignature() throws IOException {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.of(DriveConfig.raw(DiskImages.raw(directory, "sig.img", 2048))))) {
            VirtioBlkDevice device = open(machine, 0);
            assertEquals(2048, device.capacitySectors());
            for (long sector : new long[] {0, 1, 9, 511, 1000, 2047}) {
                byte[] buffer = new byte[512];
                device.readAt(sector, buffer);
                assertArrayEquals(DiskImages.signature(sector), buffer, "sector " + sector);
            }
            byte[] many = new byte[300 * 512];
            device.readAt(17, many);
            for (int i = 0; i < 300; i++) {
                assertArrayEquals(DiskImages.signature(17 + i), Arrays.copyOfRange(many, i * 512, i * 512 + 512));
            }
        }
    }

    @Test
    void writesReachTheRawAndQcow2ImagesOnDisk() throws IOException {
        Path raw = DiskImages.raw(directory, "w.img", 256);
        Path qcow2 = DiskImages.qcow2(directory, "w.qcow2", 256);
        byte[] data = new byte[3 * 512];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (0xa5 ^ i);
        }
        try (QemuMachine machine = QemuMachine.start(QemuConfig.of(DriveConfig.raw(raw), DriveConfig.qcow2(qcow2)))) {
            for (int drive = 0; drive < 2; drive++) {
                VirtioBlkDevice device = open(machine, drive);
                assertTrue(device.info().writebackCache(), "writeback cache on by default");
                device.writeAt(40, data);
                device.flush();
            }
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(Arrays.copyOfRange(data, i * 512, i * 512 + 512), DiskImages.readSector(raw, 40 + i));
        }
        assertArrayEquals(DiskImages.signature(39), DiskImages.readSector(raw, 39), "the sector before is untouched");
        Path converted = directory.resolve("w.qcow2.raw-check");
        Process convert = new ProcessBuilder("qemu-img", "convert", "-f", "qcow2", "-O", "raw", qcow2.toString(), converted.toString())
                .redirectErrorStream(true).start();
        try {
            assertTrue(convert.waitFor(30, TimeUnit.SECONDS) && convert.exitValue() == 0, "qemu-img convert");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(Arrays.copyOfRange(data, i * 512, i * 512 + 512), DiskImages.readSector(converted, 40 + i));
        }
    }

    @Test
    void scanFindsExactlyTheTwoDrivesAtQemusSlots() throws IOException {
        Path small = DiskImages.raw(directory, "small.img", 64);
        Path large = DiskImages.raw(directory, "large.img", 4096);
        try (QemuMachine machine = QemuMachine.start(QemuConfig.of(DriveConfig.raw(small), DriveConfig.raw(large)))) {
            DeviceRegistry registry = new DeviceRegistry();
            List<SlotReport> reports = new MmioScanner(machine.platform(), DriverOptions.DEFAULTS).scan(MmioWindow.QEMU_VIRT, registry);
            assertEquals(32, reports.size());
            assertEquals(2, registry.size());
            List<SlotReport.BoundBlockDevice> bound = reports.stream()
                    .filter(SlotReport.BoundBlockDevice.class::isInstance).map(SlotReport.BoundBlockDevice.class::cast).toList();
            assertEquals(List.of(30, 31), bound.stream().map(b -> b.slot().index()).toList());
            assertEquals(0x0a003c00L, bound.get(0).slot().baseAddress());
            assertEquals(4096, bound.get(0).device().capacitySectors(), "slot 30 holds the second drive");
            assertEquals(64, bound.get(1).device().capacitySectors(), "slot 31 holds the first drive");
            assertEquals(30, reports.stream().filter(SlotReport.Empty.class::isInstance).count());
        }
    }

    @Test
    void readOnlyDriveOffersRoAndTheDriverRefusesWrites() throws IOException {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.of(DriveConfig.raw(DiskImages.raw(directory, "ro.img", 64)).asReadOnly()))) {
            VirtioBlkDevice device = open(machine, 0);
            assertTrue(FeatureBits.has(device.negotiatedFeatures(), BlkFeatures.RO));
            BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.writeAt(0, new byte[512]));
            assertEquals(ErrorKind.READ_ONLY, error.kind());
            byte[] buffer = new byte[512];
            device.readAt(3, buffer);
            assertArrayEquals(DiskImages.signature(3), buffer);
        }
    }

    @Test
    void blkdebugErrorFailsOnlyItsSectorAndTheDeviceStaysUsable() throws IOException {
        Path image = DiskImages.raw(directory, "dbg.img", 64);
        try (QemuMachine machine = QemuMachine.start(QemuConfig.of(DriveConfig.raw(image).withErrors(BlkdebugRule.readError(9))))) {
            VirtioBlkDevice device = open(machine, 0);
            BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.readAt(9, new byte[512]));
            assertEquals(ErrorKind.IO_ERROR, error.kind());
            assertEquals(9, error.sector().orElseThrow());
            assertEquals(1, error.statusByte().orElseThrow());
            assertTrue(error.getMessage().contains("virtio-blk@0x0a003e00"), error.getMessage());
            for (long sector : new long[] {8, 10, 5}) {
                byte[] buffer = new byte[512];
                device.readAt(sector, buffer);
                assertArrayEquals(DiskImages.signature(sector), buffer, "sector " + sector);
            }
            assertFalse(device.fatalError().isPresent());
        }
    }

    @Test
    void qemuKilledMidRequestFailsTheCallPromptlyWithAPlatformError() throws IOException {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.of(DriveConfig.raw(DiskImages.raw(directory, "kill.img", 64))))) {
            var attached = machine.drive(0);
            Platform killing = new KillAfterNotify(machine);
            VirtioBlkDevice device = VirtioBlkDevice.open(killing,
                    new MmioSlot(attached.slot(), attached.transportAddress(), attached.interruptLine()), DriverOptions.DEFAULTS);
            long started = System.nanoTime();
            BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.readAt(0, new byte[512]));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertEquals(ErrorKind.PLATFORM_ERROR, error.kind());
            assertInstanceOf(QemuException.class, error.getCause());
            assertTrue(error.getMessage().contains("QEMU exited"), error.getMessage());
            assertTrue(millis < 2000, "failed after " + millis + " ms");
            assertEquals(ErrorKind.PLATFORM_ERROR, assertThrows(BlockDeviceException.class, () -> device.readAt(0, new byte[512])).kind());
            assertFalse(machine.processHandle().isAlive());
        }
    }

    /**
     * Passes calls to QEMU and kills QEMU when the driver notifies a queue, before the notification
     * reaches it: a crash with the request in the ring. (Killed after the notification, QEMU may
     * finish the read first, and the driver then finds its completion in the shared guest RAM.)
     */
    private static final class KillAfterNotify extends ForwardingPlatform {
        private final QemuMachine machine;
        private boolean initialised;

        KillAfterNotify(QemuMachine machine) {
            super(machine.platform());
            this.machine = machine;
        }

        @Override
        public void writeRegister(long address, AccessWidth width, long value) {
            if (initialised && (address & 0x1ff) == MmioRegister.QUEUE_NOTIFY.offset()) {
                machine.processHandle().destroyForcibly();
                machine.processHandle().onExit().join();
            }
            super.writeRegister(address, width, value);
            if ((address & 0x1ff) == MmioRegister.STATUS.offset() && (value & 4) != 0) {
                initialised = true;
            }
        }
    }
}
