package dev.vblk.virtio.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Queue sizes: powers of two up to 32768. */
class QueueSizeTest {

    @Test
    void powersOfTwoUpTo32768Pass() {
        assertEquals(1, QueueSize.requirePowerOfTwo(1));
        assertEquals(256, QueueSize.requirePowerOfTwo(256));
        assertEquals(32768, QueueSize.requirePowerOfTwo(32768));
    }

    @Test
    void othersAreRefused() {
        for (int size : new int[] {0, -2, 3, 96, 65536}) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> QueueSize.requirePowerOfTwo(size));
            assertEquals("queue size must be a power of two up to 32768: " + size, error.getMessage());
        }
    }
}
