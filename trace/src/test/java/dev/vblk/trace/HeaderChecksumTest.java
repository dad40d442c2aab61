package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The header checksum is written as 8 lower-case hex digits, leading zeros included. */
class HeaderChecksumTest {

    @Test
    void theChecksumIsEightLowerCaseHexDigits() {
        int leadingZero = 0;
        for (int i = 0; i < 1000; i++) {
            Map<String, byte[]> meta = new TreeMap<>();
            meta.put("vblk.workload", ("workload " + i).getBytes(StandardCharsets.UTF_8));
            meta.put("avro.codec", "deflate".getBytes(StandardCharsets.UTF_8));
            String checksum = MetadataCodec.headerChecksum(meta);
            assertEquals(String.format("%08x", Long.parseLong(checksum, 16)), checksum);
            leadingZero += checksum.startsWith("0") ? 1 : 0;
        }
        assertTrue(leadingZero > 0, "no checksum with a leading zero was tried");
    }
}
