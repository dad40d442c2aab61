package dev.vblk.qemu.pci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.pci.MsiFrame;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.AccessWidth;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MSI-X vectors on QEMU 7.2's virtio-blk-pci, delivered through the virt board's GICv2m frame: each
 * queue's completions pulse the SPI of its own vector (qtest reports {@code IRQ raise} and at once
 * {@code IRQ lower}), configuration changes the configuration vector's, and INTx stays low.
 */
@RequiresQemu
class QemuPciMsixTest {

    private static final PciHostBridge HOST = PciHostBridge.QEMU_VIRT.withMsi(MsiFrame.QEMU_VIRT_V2M);
    private static final int INTA_OF_DEVICE_1 = 4;

    @TempDir
    Path directory;

    /** Without the event index, so that every completion asks for its interrupt. */
    private static DriverOptions options(int queues) {
        return DriverOptions.DEFAULTS.withEventIndex(false).withMaxQueues(queues);
    }

    @Test
    void theGicV2mFrameIsWhereTheBoardSaysAndSpiOfItsFirstLineIs48() throws IOException {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder()
                .pciDrive(DriveConfig.raw(DiskImages.raw(directory, "a.img", 64))).build())) {
            MsiFrame frame = MsiFrame.QEMU_VIRT_V2M;
            long typer = machine.platform().readRegister(frame.doorbell() - 0x40 + 0x8, AccessWidth.WORD);
            assertEquals(frame.firstData(), typer >>> 16, "MSI_TYPER: first interrupt ID");
            assertEquals(frame.lineCount(), typer & 0x3ff, "MSI_TYPER: number of SPIs");
            long before = machine.qtest().irqRaiseCount(frame.line(3));
            machine.platform().writeRegister(frame.doorbell(), AccessWidth.WORD, frame.data(3));
            assertTrue(machine.platform().awaitEdge(frame.line(3), 1_000_000_000L), "a SETSPI write pulses SPI 51");
            assertEquals(before + 1, machine.qtest().irqRaiseCount(frame.line(3)));
            assertTrue(!machine.qtest().irqLevel(frame.line(3)), "the pulse is over: only the latched edge tells");
            assertTrue(!machine.platform().awaitEdge(frame.line(3), 0), "the edge was taken");
        }
    }

    @Test
    void eachQueueCompletesOnItsOwnVectorAndIntxStaysLow() throws IOException {
        Path image = DiskImages.raw(directory, "a.img", 256);
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder().pciDrive(DriveConfig.raw(image))
                .extraArgs("-global", "virtio-blk-pci.num-queues=2").build())) {
            List<PciReport> reports = new PciScanner(machine.platform(), HOST, options(2)).scan(new DeviceRegistry());
            PciReport.BoundBlockDevice bound = assertInstanceOf(PciReport.BoundBlockDevice.class, reports.get(1));
            assertTrue(bound.transport().usesMsix(), bound.transport().interruptDescription());
            assertEquals("MSI-X, lines 48 to 50", bound.transport().interruptDescription());
            VirtioBlkDevice device = bound.device();
            assertEquals(2, device.queueCount());
            long intxBefore = machine.qtest().irqRaiseCount(INTA_OF_DEVICE_1);
            for (int queue = 0; queue < 2; queue++) {
                int line = 49 + queue;
                long before = machine.qtest().irqRaiseCount(line);
                byte[] data = new byte[4096];
                for (int i = 0; i < data.length; i++) {
                    data[i] = (byte) (i * 31 + queue);
                }
                device.queue(queue).writeAt(16 + 8 * queue, data);
                byte[] back = new byte[data.length];
                device.queue(queue).readAt(16 + 8 * queue, back);
                assertArrayEquals(data, back);
                assertTrue(machine.qtest().irqRaiseCount(line) >= before + 2, "queue " + queue + " completed on line " + line);
                byte[] known = new byte[512];
                device.queue(queue).readAt(5, known);
                assertArrayEquals(DiskImages.signature(5), known);
            }
            assertEquals(intxBefore, machine.qtest().irqRaiseCount(INTA_OF_DEVICE_1), "INTA never raised");
            assertEquals((byte) 32, DiskImages.readSector(image, 24)[1], "queue 1's write reached the image");
        }
    }

    @Test
    void aResizeArrivesOnTheConfigurationVector() throws IOException {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder()
                .pciDrive(DriveConfig.raw(DiskImages.raw(directory, "a.img", 64))).build())) {
            List<PciReport> reports = new PciScanner(machine.platform(), HOST, options(1).withRecheckCapacity(false))
                    .scan(new DeviceRegistry());
            VirtioBlkDevice device = assertInstanceOf(PciReport.BoundBlockDevice.class, reports.get(1)).device();
            long before = machine.qtest().irqRaiseCount(48);
            machine.qmp().blockResize(machine.pciDrives().get(0).driveId(), 128 * 512L);
            byte[] buffer = new byte[512];
            device.readAt(5, buffer);
            assertTrue(machine.qtest().irqRaiseCount(48) > before, "the resize pulsed the configuration vector's line 48");
            assertEquals(128, device.info().capacitySectors(), "the driver took the configuration interrupt");
        }
    }
}
