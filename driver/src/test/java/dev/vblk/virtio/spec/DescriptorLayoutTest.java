package dev.vblk.virtio.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The descriptor's bytes and packed flags, against VirtIO 1.1 sections 2.6.5 and 2.7. */
class DescriptorLayoutTest {

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    @Test
    void splitDescriptorIsAddrLenFlagsNext() {
        byte[] table = new byte[2 * 16];
        DescriptorLayout.putSplit(table, 16, 0x1122_3344_5566_7788L, 0x200, DescriptorLayout.F_NEXT | DescriptorLayout.F_WRITE, 5);
        assertArrayEquals(hex("00000000000000000000000000000000" + "8877665544332211 00020000 0300 0500"), table);
        assertEquals(48, DescriptorLayout.offset(3));
    }

    @Test
    void packedDescriptorIsAddrLenIdFlags() {
        byte[] descriptor = new byte[16];
        DescriptorLayout.putPacked(descriptor, 0, 0x4000_1000L, 17, 0x0102, DescriptorLayout.F_INDIRECT | DescriptorLayout.F_AVAIL);
        assertArrayEquals(hex("0010004000000000 11000000 0201 8400"), descriptor);
    }

    @Test
    void flagsHaveTheirSpecificationValues() {
        assertEquals(1, DescriptorLayout.F_NEXT);
        assertEquals(2, DescriptorLayout.F_WRITE);
        assertEquals(4, DescriptorLayout.F_INDIRECT);
        assertEquals(0x80, DescriptorLayout.F_AVAIL);
        assertEquals(0x8000, DescriptorLayout.F_USED);
    }

    @Test
    void packedFlagsSayAvailableOrUsedInTheirLap() {
        int avail = 0x80;
        int used = 0x8000;
        assertEquals(avail, DescriptorLayout.availableFlags(true));
        assertEquals(used, DescriptorLayout.availableFlags(false));
        assertTrue(DescriptorLayout.isAvailable(avail, true));
        assertTrue(DescriptorLayout.isAvailable(used, false));
        assertFalse(DescriptorLayout.isAvailable(avail | used, true));
        assertFalse(DescriptorLayout.isAvailable(0, true));
        assertFalse(DescriptorLayout.isAvailable(avail, false));
        assertTrue(DescriptorLayout.isUsed(avail | used, true));
        assertTrue(DescriptorLayout.isUsed(0, false));
        assertFalse(DescriptorLayout.isUsed(avail, true));
        assertFalse(DescriptorLayout.isUsed(used, true));
        assertFalse(DescriptorLayout.isUsed(avail | used, false));
    }
}
