package dev.vblk.virtio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.virtio.blk.BlkFeatures;
import org.junit.jupiter.api.Test;

/** Register, status and feature words as people read them. */
class DecodingTest {

    @Test
    void statusBitsByName() {
        assertEquals("ACKNOWLEDGE|DRIVER", DeviceStatus.describe(3));
        assertEquals("ACKNOWLEDGE|DRIVER|FEATURES_OK|DRIVER_OK", DeviceStatus.describe(15));
        assertEquals("DEVICE_NEEDS_RESET|0x10", DeviceStatus.describe(0x50));
        assertEquals("0 (reset)", DeviceStatus.describe(0));
    }

    @Test
    void qemuFeatureWordByName() {
        assertEquals("SEG_MAX|GEOMETRY|BLK_SIZE|FLUSH|TOPOLOGY|CONFIG_WCE|DISCARD|WRITE_ZEROES|INDIRECT_DESC|EVENT_IDX|VERSION_1|RING_RESET",
                BlkFeatures.describe(0x0000010130006e54L));
    }

    @Test
    void registersByOffset() {
        assertEquals("QueueNumMax", MmioRegister.describeOffset(0x34));
        assertEquals("config+0x20", MmioRegister.describeOffset(0x120));
        assertEquals("+0x0f0", MmioRegister.describeOffset(0x0f0));
        assertEquals("USED_BUFFER|CONFIG_CHANGE|0x8", InterruptStatus.describe(0xb));
        for (MmioRegister register : MmioRegister.values()) {
            assertEquals(java.util.Optional.of(register), MmioRegister.at(register.offset()));
        }
        for (int offset : new int[] {-4, 0x35, 0x40, 0x0fe, 0x100, 0x1fc}) {
            assertEquals(java.util.Optional.empty(), MmioRegister.at(offset), "offset " + offset);
        }
    }

    @Test
    void mmioDevicesAreNamedByTheirAddressInAtLeastEightHexDigits() {
        assertEquals("virtio-blk@0x0a003e00", new dev.vblk.block.BlockDeviceId(2, 0x0a003e00L).toString());
        assertEquals("virtio-blk@0x00000000", new dev.vblk.block.BlockDeviceId(2, 0).toString());
        assertEquals("virtio-blk@0x4010000000", new dev.vblk.block.BlockDeviceId(2, 0x40_1000_0000L).toString());
        assertEquals("virtio-blk@0xffffffffffffffff", new dev.vblk.block.BlockDeviceId(2, -1).toString());
    }
}
