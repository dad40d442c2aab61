package dev.vblk.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The guest memory a device may take with given options, frame by frame, and the limits of the options. */
class DriverOptionsTest {

    private static final long FRAME = 4096;

    private static DriverOptions options(int queueSize, int requestBytes, int inFlight, int queues) {
        return DriverOptions.DEFAULTS.withBudgets(20_000_000L, 2_000, 100_000L, queueSize, requestBytes)
                .withMaxInFlight(inFlight).withMaxQueues(queues);
    }

    @Test
    void eachQueueTakesItsRingAndABufferPerRequestInWholeFrames() {
        // 256 entries: descriptors 4096 bytes (one frame exactly), driver area 518 and device area 2054 (a frame
        // each); a request buffer of 131072 data bytes, two 16-byte header and status slots and an indirect
        // table of 256 descriptors (4096 bytes): 135200 bytes, 34 frames.
        assertEquals(2 * (3 + 4 * 34) * FRAME, options(256, 131072, 4, 2).guestMemoryPerDevice());
        // 4 entries: 64, 14 and 38 bytes, a frame each; a buffer of 512 + 32 + 64 bytes, one frame.
        assertEquals(1 * (3 + 1 * 1) * FRAME, options(4, 512, 1, 1).guestMemoryPerDevice());
        // With 4 entries a buffer of 3584 data bytes (3680 in all) takes one frame, one of 4096 (4192) two.
        assertEquals((3 + 1) * FRAME, options(4, 3584, 1, 1).guestMemoryPerDevice());
        assertEquals((3 + 2) * FRAME, options(4, 4096, 1, 1).guestMemoryPerDevice());
    }

    @Test
    void inFlightAndQueueLimitsAreKeptAtTheirEnds() {
        assertEquals(256, DriverOptions.DEFAULTS.withMaxInFlight(256).maxInFlight());
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withMaxInFlight(257));
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withMaxInFlight(0));
        assertEquals(DriverOptions.QUEUE_LIMIT, DriverOptions.DEFAULTS.withMaxQueues(DriverOptions.QUEUE_LIMIT).maxQueues());
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withMaxQueues(DriverOptions.QUEUE_LIMIT + 1));
        assertThrows(IllegalArgumentException.class, () -> DriverOptions.DEFAULTS.withMaxQueues(0));
    }
}
