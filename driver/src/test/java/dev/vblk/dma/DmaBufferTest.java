package dev.vblk.dma;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.testing.MemoryOnlyPlatform;
import dev.vblk.virtio.VirtioException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DMA buffers: contiguous when possible, one frame per page otherwise. */
class DmaBufferTest {

    @Test
    void contiguousBufferIsOneRunSplitOnlyByTheRunLimit() {
        MemoryOnlyPlatform platform = new MemoryOnlyPlatform();
        DmaBuffer buffer = DmaBuffer.allocate(platform, 3 * 4096, "test");
        assertTrue(buffer.contiguous());
        assertEquals(1, buffer.segments(0, 3 * 4096, Integer.MAX_VALUE).size());
        List<PhysicalRun> runs = buffer.segments(0, 3 * 4096, 5000);
        assertEquals(List.of(5000, 5000, 2288), runs.stream().map(PhysicalRun::length).toList());
        assertEquals(buffer.address(5000), runs.get(1).address());
    }

    @Test
    void refusedContiguousAllocationFallsBackToPages() {
        MemoryOnlyPlatform platform = new MemoryOnlyPlatform().refuseMultiFrameAllocations();
        DmaBuffer buffer = DmaBuffer.allocate(platform, 2 * 4096 + 200, "test");
        assertFalse(buffer.contiguous());
        assertEquals(3, platform.allocatedFrames());
        List<PhysicalRun> runs = buffer.segments(100, 2 * 4096, Integer.MAX_VALUE);
        assertEquals(List.of(3996, 4096, 100), runs.stream().map(PhysicalRun::length).toList());
        byte[] data = new byte[2 * 4096];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        buffer.write(platform, 100, data, 0, data.length);
        byte[] back = new byte[data.length];
        buffer.read(platform, 100, back, 0, back.length);
        assertArrayEquals(data, back);
        buffer.free(platform);
        assertEquals(0, platform.allocatedFrames());
    }

    @Test
    void noFramesAtAllIsOutOfMemoryAndLeavesNothingAllocated() {
        MemoryOnlyPlatform platform = new MemoryOnlyPlatform().refuseMultiFrameAllocations().limitFrames(2);
        VirtioException error = assertThrows(VirtioException.class, () -> DmaBuffer.allocate(platform, 3 * 4096, "dev0"));
        assertEquals(VirtioException.Kind.OUT_OF_MEMORY, error.kind());
        assertTrue(error.getMessage().startsWith("dev0: out of memory"), error.getMessage());
        assertEquals(0, platform.allocatedFrames());
    }

    @Test
    void coversOnlyItsOwnMemory() {
        MemoryOnlyPlatform platform = new MemoryOnlyPlatform();
        DmaBuffer buffer = DmaBuffer.allocate(platform, 600, "test");
        assertTrue(buffer.covers(buffer.address(0), 600));
        assertFalse(buffer.covers(buffer.address(0), 601));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.address(601));
    }

    @Test
    void rangesOutsideTheBufferAreRefusedAndItsEdgesAreNot() {
        MemoryOnlyPlatform platform = new MemoryOnlyPlatform();
        DmaBuffer buffer = DmaBuffer.allocate(platform, 100, "test");

        assertEquals(1, buffer.segments(0, 100, Integer.MAX_VALUE).size(), "the whole buffer");
        assertEquals(List.of(), buffer.segments(100, 0, Integer.MAX_VALUE), "nothing at its end");
        assertEquals(1, buffer.segments(99, 1, Integer.MAX_VALUE).size(), "its last byte");
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.segments(0, 101, Integer.MAX_VALUE));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.segments(100, 1, Integer.MAX_VALUE));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.segments(101, 0, Integer.MAX_VALUE));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.segments(-1, 1, Integer.MAX_VALUE));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.segments(1, -1, Integer.MAX_VALUE));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.write(platform, 60, new byte[41], 0, 41));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.read(platform, 60, new byte[41], 0, 41));
    }

    @Test
    void aBufferTakesTheFramesItsLengthNeeds() {
        MemoryOnlyPlatform platform = new MemoryOnlyPlatform();
        DmaBuffer.allocate(platform, 4096, "test");
        assertEquals(1, platform.allocatedFrames());
        DmaBuffer.allocate(platform, 4097, "test");
        assertEquals(3, platform.allocatedFrames());
        DmaBuffer.allocate(platform, 0, "test");
        assertEquals(4, platform.allocatedFrames(), "even an empty buffer takes a frame");
    }
}
