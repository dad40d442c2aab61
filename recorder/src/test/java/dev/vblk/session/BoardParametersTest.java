package dev.vblk.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.virtio.blk.DriverOptions;
import java.util.Map;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/** Board parameters in trace metadata: written and read back, and old traces read as they were recorded. */
class BoardParametersTest {

    @Test
    void thePackedRingOptionIsStoredAndReadBack() {
        BoardParameters packed = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS.withPackedRing(true));
        assertEquals("true", packed.toMap().get(BoardParameters.PACKED));
        assertEquals(packed, BoardParameters.fromMap(packed.toMap()));
        assertEquals(BoardParameters.QEMU_VIRT_DEFAULTS, BoardParameters.fromMap(BoardParameters.QEMU_VIRT_DEFAULTS.toMap()));
    }

    @Test
    void aTraceWithoutThePackedRingKeyUsedTheSplitRing() {
        SortedMap<String, String> map = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS.withPackedRing(true))
                .toMap();
        map.remove(BoardParameters.PACKED);
        assertFalse(BoardParameters.fromMap(map).options().packedRing());
        assertTrue(BoardParameters.fromMap(Map.of(BoardParameters.BASE, "0xa000000", BoardParameters.SLOT_SIZE, "0x200",
                BoardParameters.SLOTS, "32", BoardParameters.FIRST_LINE, "16", BoardParameters.TIMEOUT, "5000000000",
                BoardParameters.POLLS, "100000", BoardParameters.POLL_INTERVAL, "1000000", BoardParameters.QUEUE_SIZE, "256",
                BoardParameters.REQUEST_BYTES, "131072")).options().equals(DriverOptions.ONE_AT_A_TIME),
                "a version 1 trace's five budget keys give the first driver's options");
    }
}
