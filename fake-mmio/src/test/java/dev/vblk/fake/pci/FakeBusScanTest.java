package dev.vblk.fake.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.vblk.block.DeviceLocation;
import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.MmioScanner;
import dev.vblk.discovery.MmioWindow;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.discovery.SlotReport;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.pci.MsiFrame;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.virtio.blk.DriverOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scanning a fake machine's buses binds every block device into the registry: two virtio-blk-pci
 * functions on MSI-X each get lines of their own from the MSI frame, and two virtio-mmio slots are
 * both registered.
 */
class FakeBusScanTest {

    private static FakeBlkConfig disk() {
        return FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(64)).build();
    }

    @Test
    void twoPciFunctionsOnMsixTakeLinesOneAfterTheOtherAndAreRegistered() {
        FakePlatform machine = FakePlatform.create();
        machine.attachPciBlockDevice(1, disk());
        machine.attachPciBlockDevice(2, disk());
        DeviceRegistry registry = new DeviceRegistry();

        List<PciReport> reports = new PciScanner(machine, PciHostBridge.QEMU_VIRT.withMsi(MsiFrame.QEMU_VIRT_V2M),
                DriverOptions.DEFAULTS).scan(registry);

        assertEquals(3, reports.size(), reports::toString);
        PciReport.BoundBlockDevice first = assertInstanceOf(PciReport.BoundBlockDevice.class, reports.get(1));
        PciReport.BoundBlockDevice second = assertInstanceOf(PciReport.BoundBlockDevice.class, reports.get(2));
        assertEquals("MSI-X, lines 48 to 49", first.transport().interruptDescription());
        assertEquals("MSI-X, lines 50 to 51", second.transport().interruptDescription());
        assertEquals(2, registry.size());
        assertEquals(List.of(first.device().id(), second.device().id()),
                registry.devices().stream().map(device -> device.id()).toList());
    }

    @Test
    void everyBoundMmioSlotIsRegistered() {
        FakePlatform machine = FakePlatform.create();
        machine.attachBlockDevice(30, disk());
        machine.attachBlockDevice(31, disk());
        DeviceRegistry registry = new DeviceRegistry();

        List<SlotReport> reports = new MmioScanner(machine, DriverOptions.DEFAULTS).scan(MmioWindow.QEMU_VIRT, registry);

        assertEquals(2, reports.stream().filter(SlotReport.BoundBlockDevice.class::isInstance).count(), reports::toString);
        assertEquals(2, registry.size());
        assertEquals(List.of(new DeviceLocation.Mmio(FakePlatform.slotAddress(30)), new DeviceLocation.Mmio(FakePlatform.slotAddress(31))),
                registry.devices().stream().map(device -> device.id().location()).toList());
    }
}
