package dev.vblk.virtio.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The virtio-blk request's header, range segment and codes, against VirtIO 1.1 section 5.2.6. */
class BlkRequestFormatTest {

    private static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.replace(" ", ""));
    }

    @Test
    void headerIsTypeReservedSector() {
        byte[] header = new byte[BlkRequestFormat.HEADER_BYTES + BlkRequestFormat.STATUS_BYTES];
        header[16] = (byte) 0xff;
        BlkRequestFormat.putHeader(header, 0, BlkRequestFormat.T_OUT, 0x0102_0304_0506L);
        assertArrayEquals(hex("01000000 00000000 0605040302010000 ff"), header);
    }

    @Test
    void rangeSegmentIsSectorCountFlags() {
        assertArrayEquals(hex("0010000000000000 ffffffff 00000000"), BlkRequestFormat.rangeSegment(0x1000, 0xffff_ffffL));
    }

    @Test
    void typesAndStatusesHaveTheirSpecificationValues() {
        assertEquals(0, BlkRequestFormat.T_IN);
        assertEquals(1, BlkRequestFormat.T_OUT);
        assertEquals(4, BlkRequestFormat.T_FLUSH);
        assertEquals(8, BlkRequestFormat.T_GET_ID);
        assertEquals(11, BlkRequestFormat.T_DISCARD);
        assertEquals(13, BlkRequestFormat.T_WRITE_ZEROES);
        assertEquals(0, BlkRequestFormat.S_OK);
        assertEquals(1, BlkRequestFormat.S_IOERR);
        assertEquals(2, BlkRequestFormat.S_UNSUPP);
    }
}
