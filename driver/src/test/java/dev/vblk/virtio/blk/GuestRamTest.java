package dev.vblk.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The guest RAM rule: the least size, or the devices' memory rounded up to whole MiB when that is more. */
class GuestRamTest {

    private static final long MIB = 1L << 20;

    @Test
    void theLeastSizeWhenTheDevicesNeedLess() {
        assertEquals(64 * MIB, GuestRam.bytes(64 * MIB, 2, 3 * MIB));
        assertEquals(64 * MIB, GuestRam.bytes(64 * MIB, 0, 100 * MIB));
    }

    @Test
    void theDevicesMemoryRoundedUpToWholeMibWhenMore() {
        assertEquals(65 * MIB, GuestRam.bytes(64 * MIB, 1, 64 * MIB + 1));
        assertEquals(96 * MIB, GuestRam.bytes(64 * MIB, 3, 32 * MIB));
        assertEquals(7 * MIB, GuestRam.bytes(MIB, 3, 2 * MIB + 4096));
    }

    @Test
    void negativeCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> GuestRam.bytes(64 * MIB, -1, MIB));
        assertThrows(IllegalArgumentException.class, () -> GuestRam.bytes(64 * MIB, 1, -MIB));
    }
}
