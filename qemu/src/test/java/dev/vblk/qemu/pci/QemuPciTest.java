package dev.vblk.qemu.pci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.DeviceLocation;
import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.MmioScanner;
import dev.vblk.discovery.MmioWindow;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.discovery.SlotReport;
import dev.vblk.pci.PciAddress;
import dev.vblk.pci.PciBar;
import dev.vblk.pci.PciConfigSpace;
import dev.vblk.pci.PciEnumerator;
import dev.vblk.pci.PciFunction;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.AccessWidth;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import dev.vblk.virtio.blk.CompletionMode;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.pci.VirtioPciTransport;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PCI layers and the virtio-pci transport against QEMU's virt board and its virtio-blk-pci function. */
@RequiresQemu
class QemuPciTest {

    private static final PciHostBridge HOST = PciHostBridge.QEMU_VIRT;
    private static final PciAddress FIRST = new PciAddress(0, 1, 0);
    private static final PciAddress SECOND = new PciAddress(0, 2, 0);

    @TempDir
    Path directory;

    @Test
    void ecamIsTheHighWindowAndEnumerationFindsTheHostBridgeAndTheDrives() throws IOException {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder()
                .pciDrive(DriveConfig.raw(DiskImages.raw(directory, "a.img", 64)))
                .pciDrive(DriveConfig.raw(DiskImages.raw(directory, "b.img", 64))).build())) {
            var platform = machine.platform();
            assertEquals(0x0008_1b36L, platform.readRegister(HOST.ecamBase(), AccessWidth.WORD), "gpex root 1b36:0008");
            assertEquals(0, platform.readRegister(0x3f00_0000L, AccessWidth.WORD), "the low ECAM window is unmapped");
            PciEnumerator enumerator = new PciEnumerator(platform, HOST);
            assertEquals(List.of(new PciAddress(0, 0, 0), FIRST, SECOND), enumerator.present());
            PciConfigSpace config = enumerator.config(FIRST);
            assertEquals(0x1af4, config.u16(PciConfigSpace.VENDOR_ID));
            assertEquals(0x1042, config.u16(PciConfigSpace.DEVICE_ID));
            assertEquals(0x010000, config.u32(PciConfigSpace.CLASS_REVISION) >>> 8, "mass storage, SCSI class code");
        }
    }

    @Test
    void barsAreSizedAssignedAndDecodedAfterTheCommandRegisterEnablesThem() throws IOException {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder()
                .pciDrive(DriveConfig.raw(DiskImages.raw(directory, "a.img", 64)))
                .pciDrive(DriveConfig.raw(DiskImages.raw(directory, "b.img", 64))).build())) {
            var platform = machine.platform();
            PciEnumerator enumerator = new PciEnumerator(platform, HOST);
            PciFunction first = enumerator.configure(FIRST);
            PciFunction second = enumerator.configure(SECOND);
            PciBar modern = first.bar(4).orElseThrow();
            assertTrue(modern.wide() && modern.prefetchable(), modern.toString());
            assertEquals(0x4000, modern.size());
            assertEquals(0x1000, first.bar(1).orElseThrow().size(), "the MSI-X table BAR");
            for (PciFunction function : List.of(first, second)) {
                for (PciBar bar : function.bars()) {
                    assertEquals(0, bar.address() % bar.size(), bar + " is naturally aligned");
                    assertTrue(bar.address() >= HOST.memoryBase()
                            && bar.address() + bar.size() <= HOST.memoryBase() + HOST.memorySize(), bar.toString());
                }
                int command = enumerator.config(function.address()).u16(PciConfigSpace.COMMAND);
                assertEquals(PciConfigSpace.COMMAND_MEMORY_SPACE | PciConfigSpace.COMMAND_BUS_MASTER,
                        command & (PciConfigSpace.COMMAND_MEMORY_SPACE | PciConfigSpace.COMMAND_BUS_MASTER));
            }
            assertTrue(second.bar(4).orElseThrow().address() >= modern.address() + modern.size(), "no overlap");
            VirtioPciTransport transport = VirtioPciTransport.open(platform, HOST, first, "test", 0);
            assertTrue(modern.contains(transport.layout().common().address() - modern.address(), 0x38));
            assertEquals(64, transport.configU32(0), "capacity read through the device configuration in BAR4");
        }
    }

    @Test
    void intxOfDeviceOneAndTwoAreSpisFourAndFive() throws IOException {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder()
                .pciDrive(DriveConfig.raw(DiskImages.raw(directory, "a.img", 64)))
                .pciDrive(DriveConfig.raw(DiskImages.raw(directory, "b.img", 64))).build())) {
            // Without the event index: with it, a completion already in the used ring when the driver
            // sets used_event is taken at once, and the device need not raise the line for it.
            DriverOptions interrupts = DriverOptions.DEFAULTS.withCompletion(CompletionMode.INTERRUPTS).withEventIndex(false);
            PciScanner scanner = new PciScanner(machine.platform(), HOST, interrupts);
            int expectedLine = 4;
            for (PciAddress address : List.of(FIRST, SECOND)) {
                VirtioBlkDevice device = ((PciReport.BoundBlockDevice) scanner.probe(address)).device();
                assertEquals(expectedLine, HOST.intxLine(address, 1));
                long raisedBefore = machine.qtest().irqRaiseCount(expectedLine);
                byte[] buffer = new byte[512];
                device.readAt(5, buffer);
                assertArrayEquals(DiskImages.signature(5), buffer);
                assertTrue(machine.qtest().irqRaiseCount(expectedLine) > raisedBefore, "line " + expectedLine + " raised");
                assertTrue(!machine.qtest().irqLevel(expectedLine), "reading the ISR lowered line " + expectedLine);
                expectedLine++;
            }
        }
    }

    @Test
    void knownSectorsReadBackTheirSignatureOverPci() throws IOException {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder()
                .pciDrive(DriveConfig.raw(DiskImages.raw(directory, "sig.img", 2048))).build())) {
            VirtioBlkDevice device = open(machine, FIRST);
            assertEquals(2048, device.capacitySectors());
            assertEquals("virtio-blk@pci:00:01.0", device.id().toString());
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
    void writesReachTheRawAndQcow2ImagesOnDiskOverPci() throws IOException, InterruptedException {
        Path raw = DiskImages.raw(directory, "w.img", 256);
        Path qcow2 = DiskImages.qcow2(directory, "w.qcow2", 256);
        byte[] data = new byte[3 * 512];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (0x5a ^ i);
        }
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder()
                .pciDrive(DriveConfig.raw(raw)).pciDrive(DriveConfig.qcow2(qcow2)).build())) {
            for (PciAddress address : List.of(FIRST, SECOND)) {
                VirtioBlkDevice device = open(machine, address);
                device.writeAt(40, data);
                device.flush();
                byte[] back = new byte[data.length];
                device.readAt(40, back);
                assertArrayEquals(data, back, "read back over " + address);
            }
        }
        Path converted = directory.resolve("w.qcow2.raw-check");
        Process convert = new ProcessBuilder("qemu-img", "convert", "-f", "qcow2", "-O", "raw", qcow2.toString(),
                converted.toString()).redirectErrorStream(true).start();
        assertTrue(convert.waitFor(30, TimeUnit.SECONDS) && convert.exitValue() == 0, "qemu-img convert");
        for (Path image : List.of(raw, converted)) {
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(Arrays.copyOfRange(data, i * 512, i * 512 + 512), DiskImages.readSector(image, 40 + i),
                        image + " sector " + (40 + i));
            }
            assertArrayEquals(DiskImages.signature(39), DiskImages.readSector(image, 39), "the sector before is untouched");
        }
    }

    @Test
    void bothTransportsAtOnceAreFoundAndKeepTheirOwnData() throws IOException {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder()
                .drive(DriveConfig.raw(DiskImages.raw(directory, "mmio.img", 64)))
                .pciDrive(DriveConfig.raw(DiskImages.raw(directory, "pci.img", 128))).build())) {
            DeviceRegistry registry = new DeviceRegistry();
            List<SlotReport> slots = new MmioScanner(machine.platform(), DriverOptions.DEFAULTS)
                    .scan(MmioWindow.QEMU_VIRT, registry);
            List<PciReport> functions = new PciScanner(machine.platform(), HOST, DriverOptions.DEFAULTS).scan(registry);
            assertEquals(1, slots.stream().filter(SlotReport.BoundBlockDevice.class::isInstance).count());
            assertEquals(2, functions.size());
            assertTrue(functions.get(0) instanceof PciReport.OtherFunction other && other.virtioDeviceType() == -1,
                    "the host bridge is left alone");
            assertEquals(2, registry.size());
            VirtioBlkDevice mmio = (VirtioBlkDevice) registry.find(new BlockDeviceId(2, 0x0a003e00L)).orElseThrow();
            VirtioBlkDevice pci = (VirtioBlkDevice) registry.find(new BlockDeviceId(2, new DeviceLocation.Pci(FIRST)))
                    .orElseThrow();
            assertEquals(64, mmio.capacitySectors());
            assertEquals(128, pci.capacitySectors());
            byte[] one = new byte[512];
            Arrays.fill(one, (byte) 1);
            byte[] two = new byte[512];
            Arrays.fill(two, (byte) 2);
            mmio.writeAt(3, one);
            pci.writeAt(3, two);
            byte[] back = new byte[512];
            mmio.readAt(3, back);
            assertArrayEquals(one, back);
            pci.readAt(3, back);
            assertArrayEquals(two, back);
        }
    }

    @Test
    void aTransitionalFunctionIsDrivenThroughItsModernInterfaceAndItsIoBarIsLeftAlone() throws IOException {
        Path image = DiskImages.raw(directory, "t.img", 96);
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder()
                .extraArgs("-drive", "file=" + image + ",format=raw,if=none,id=t0", "-device", "virtio-blk-pci,drive=t0,addr=0x3")
                .build())) {
            PciAddress address = new PciAddress(0, 3, 0);
            PciConfigSpace config = new PciEnumerator(machine.platform(), HOST).config(address);
            assertEquals(0x1001, config.u16(PciConfigSpace.DEVICE_ID), "transitional virtio-blk");
            assertEquals(1, config.u32(PciConfigSpace.BAR0) & 1, "BAR0 is the legacy I/O BAR");
            PciReport.BoundBlockDevice bound = (PciReport.BoundBlockDevice) new PciScanner(machine.platform(), HOST,
                    DriverOptions.DEFAULTS).probe(address);
            assertTrue(bound.function().bar(0).isEmpty(), "no I/O space is assigned");
            assertEquals(96, bound.device().capacitySectors());
            byte[] buffer = new byte[512];
            bound.device().readAt(95, buffer);
            assertArrayEquals(DiskImages.signature(95), buffer);
        }
    }

    static VirtioBlkDevice open(QemuMachine machine, PciAddress address) {
        PciReport report = new PciScanner(machine.platform(), HOST, DriverOptions.DEFAULTS).probe(address);
        if (report instanceof PciReport.BoundBlockDevice bound) {
            return bound.device();
        }
        throw new AssertionError(address + ": " + report);
    }
}
