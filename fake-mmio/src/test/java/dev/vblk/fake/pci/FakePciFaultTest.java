package dev.vblk.fake.pci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.discovery.PciReport;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.pci.PciAddress;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The driver on the fake virtio-blk-pci function, well-formed and with broken configuration space. */
class FakePciFaultTest {

    private static FakePciRig rig() {
        return FakePciRig.of(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(256)).build());
    }

    @Test
    void theScanFindsTheBridgeAndTheFunctionAndRequestsTravelOverPci() {
        FakePciRig rig = rig();
        List<PciReport> reports = rig.scan();
        assertEquals(2, reports.size());
        PciReport.OtherFunction bridge = assertInstanceOf(PciReport.OtherFunction.class, reports.get(0));
        assertEquals(0x060000, bridge.classCode());
        PciReport.BoundBlockDevice bound = assertInstanceOf(PciReport.BoundBlockDevice.class, reports.get(1));
        assertEquals(new PciAddress(0, 1, 0), bound.address());
        assertEquals(0x1000_0000L, bound.function().bar(1).orElseThrow().address(), "BAR 1 (MSI-X) at the window's start");
        assertEquals(0x1000_4000L, bound.function().bar(4).orElseThrow().address(), "BAR 4 after it, aligned to its size");
        VirtioBlkDevice device = bound.device();
        assertEquals("virtio-blk@pci:00:01.0", device.id().toString());
        byte[] data = new byte[1024];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 13);
        }
        device.writeAt(10, data);
        byte[] back = new byte[1024];
        device.readAt(10, back);
        assertArrayEquals(data, back);
        byte[] onDisk = new byte[1024];
        rig.function().device().config().disk().read(10 * 512L, onDisk, 0, onDisk.length);
        assertArrayEquals(data, onDisk, "the fake device behind the function did the I/O");
        assertEquals(List.of(), rig.platform().violations());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "MISSING_COMMON_CONFIG|no usable common configuration capability",
        "CAPABILITY_LOOP|the capability list loops",
        "SHORT_CAPABILITY|has cap_len 8",
        "CAPABILITY_BAR_OUT_OF_RANGE|names BAR 7, which is no assigned memory BAR",
        "CAPABILITY_OUTSIDE_BAR|outside BAR4",
        "CAPABILITY_POINTER_IN_HEADER|capability pointer 0x10 lies outside",
        "BAR_DOES_NOT_STICK|BAR4 reads back 0x0 after 0x10004000 was written",
        "NOTIFY_OFF_OUTSIDE|queue 0 notifies at offset 0x1000, past the 4096-byte notify structure"})
    void aBrokenConfigurationSpaceIsRefusedWithAOneLineReason(PciFault fault, String reason) {
        FakePciRig rig = rig();
        rig.function().inject(fault);
        PciReport report = rig.scan().get(1);
        PciReport.Unusable unusable = assertInstanceOf(PciReport.Unusable.class, report, report.toString());
        assertTrue(unusable.reason().contains(reason), unusable.reason());
        assertTrue(unusable.reason().startsWith("virtio-blk@pci:00:01.0: ") || unusable.reason().startsWith("PCI 00:01.0: "),
                unusable.reason());
        assertEquals(-1, unusable.reason().indexOf('\n'), "one line");
        assertEquals(0, rig.function().device().status() & 4, "the device never reached DRIVER_OK");
    }

    @Test
    void notificationsGoWhereQueueNotifyOffAndTheMultiplierSay() {
        FakePciRig rig = rig();
        rig.function().queueNotifyOff(5);
        VirtioBlkDevice device = rig.open();
        byte[] data = new byte[512];
        data[7] = 7;
        device.writeAt(2, data);
        byte[] back = new byte[512];
        device.readAt(2, back);
        assertArrayEquals(data, back);
        assertEquals(List.of(), rig.platform().violations(), "every notify hit offset 5 * 4 of the notify structure");
    }
}
