package dev.vblk.fake.pci;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * VIRTIO_F_NOTIFICATION_DATA on the virtio-blk-pci function: the driver's notifications become 32-bit
 * writes at the queue's notify address carrying the next available position, which the function
 * takes and the device checks; the 16-bit notifications of a driver without the feature stay as they were.
 */
class FakePciNotificationDataTest {

    /** The driver's 32-bit register writes with any of bits 16 to 31 set: after initialisation, its notifications. */
    private static final class WideWrites extends ForwardingPlatform {
        final List<Long> values = new ArrayList<>();

        WideWrites(Platform platform) {
            super(platform);
        }

        @Override
        public void writeRegister(long address, AccessWidth width, long value) {
            if (width == AccessWidth.WORD && value >>> 16 != 0) {
                values.add(value);
            }
            super.writeRegister(address, width, value);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void notificationsCarryTheNextAvailablePositionInThirtyTwoBits(boolean packed) {
        InMemoryDisk disk = InMemoryDisk.ofSectors(64);
        byte[] sector = new byte[512];
        sector[7] = 0x42;
        disk.write(512L * 3, sector, 0, sector.length);
        FakePciRig rig = FakePciRig.of(FakeBlkConfig.builder().disk(disk).offerNotificationData(true).offerPackedRing(true)
                .build());
        WideWrites writes = new WideWrites(rig.platform());
        DriverOptions options = DriverOptions.DEFAULTS.withNotificationData(true).withPackedRing(packed);
        PciReport report = new PciScanner(writes, PciHostBridge.QEMU_VIRT, options).scan(new DeviceRegistry()).get(1);
        VirtioBlkDevice device = assertInstanceOf(PciReport.BoundBlockDevice.class, report).device();
        assertTrue(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.NOTIFICATION_DATA));
        writes.values.clear();

        byte[] read = new byte[512];
        device.readAt(3, read);
        device.readAt(3, read);

        assertArrayEquals(sector, read);
        assertEquals(List.of(), rig.platform().violations());
        // Queue 0; split: available index 1, then 2; packed: one indirect descriptor each, wrap counter 1.
        long wrap = packed ? 0x8000_0000L : 0;
        assertEquals(List.of(wrap | 1L << 16, wrap | 2L << 16), writes.values);
    }
}
