package dev.vblk.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** First-fit frame bookkeeping over a range of guest RAM. */
class GuestFrameAllocatorTest {

    private static final long BASE = 0x4000_0000L;

    @Test
    void allocatesFirstFitWithAlignment() {
        GuestFrameAllocator frames = new GuestFrameAllocator(BASE, 64 * 4096);
        assertEquals(OptionalLong.of(BASE), frames.allocate(1, 4096));
        assertEquals(OptionalLong.of(BASE + 0x4000), frames.allocate(2, 0x4000), "next 16 KiB boundary");
        assertEquals(OptionalLong.of(BASE + 0x1000), frames.allocate(3, 4096), "gap before it is used");
        assertEquals(64 - 6, frames.freeFrames());
    }

    @Test
    void alignmentIsCountedFromAddressZeroNotFromTheBase() {
        GuestFrameAllocator frames = new GuestFrameAllocator(0x1000, 16 * 4096);
        assertEquals(OptionalLong.of(0x4000), frames.allocate(1, 0x4000));
    }

    @Test
    void refusesWhenNoRunFitsAndReusesFreedFrames() {
        GuestFrameAllocator frames = new GuestFrameAllocator(BASE, 4 * 4096);
        long a = frames.allocate(2, 4096).orElseThrow();
        long b = frames.allocate(2, 4096).orElseThrow();
        assertEquals(OptionalLong.empty(), frames.allocate(1, 4096));
        frames.free(a, 2);
        assertEquals(OptionalLong.empty(), frames.allocate(3, 4096), "only two frames are free");
        assertEquals(OptionalLong.of(a), frames.allocate(2, 4096));
        frames.free(b, 2);
        assertEquals(2, frames.freeFrames());
    }

    @Test
    void rejectsBadArgumentsAndMismatchedFrees() {
        GuestFrameAllocator frames = new GuestFrameAllocator(BASE, 8 * 4096);
        assertThrows(IllegalArgumentException.class, () -> frames.allocate(0, 4096));
        assertThrows(IllegalArgumentException.class, () -> frames.allocate(1, 2048));
        assertThrows(IllegalArgumentException.class, () -> frames.allocate(1, 3 * 4096));
        long a = frames.allocate(2, 4096).orElseThrow();
        assertThrows(IllegalArgumentException.class, () -> frames.free(a, 1));
        assertThrows(IllegalArgumentException.class, () -> frames.free(a + 4096, 1));
        frames.free(a, 2);
        assertThrows(IllegalArgumentException.class, () -> frames.free(a, 2), "double free");
        assertThrows(IllegalArgumentException.class, () -> new GuestFrameAllocator(BASE + 1, 4096));
        assertThrows(IllegalArgumentException.class, () -> new GuestFrameAllocator(BASE, 4095));
    }
}
