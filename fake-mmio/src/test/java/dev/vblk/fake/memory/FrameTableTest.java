package dev.vblk.fake.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.fake.violation.ViolationLog;
import java.util.OptionalLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class FrameTableTest {

    private final SparseRam ram = new SparseRam(0x4000_0000L, 1L << 20);
    private final ViolationLog log = new ViolationLog();
    private final FrameTable frames = new FrameTable(ram, log);

    @Property
    void allocationsAreAlignedDisjointAndInsideRam(
            @ForAll @IntRange(min = 1, max = 8) int count, @ForAll @IntRange(min = 12, max = 16) int alignBits,
            @ForAll @IntRange(min = 1, max = 6) int rounds) {
        SparseRam r = new SparseRam(0x4000_0000L, 1L << 20);
        FrameTable table = new FrameTable(r, new ViolationLog());
        table.allocateFrames(1, 4096);
        long previousEnd = 0;
        for (int i = 0; i < rounds; i++) {
            OptionalLong address = table.allocateFrames(count, 1L << alignBits);
            if (address.isEmpty()) {
                break;
            }
            long a = address.getAsLong();
            assertEquals(0, a % (1L << alignBits));
            assertTrue(r.contains(a, count * 4096L));
            assertTrue(a >= previousEnd, "allocations overlap");
            previousEnd = a + count * 4096L;
        }
    }

    @Test
    void allocationZeroesReusedFrames() {
        long a = frames.allocateFrames(2, 4096).orElseThrow();
        ram.writeMemory(a + 100, new byte[] {1, 2, 3});
        frames.freeFrames(a, 2);
        long b = frames.allocateFrames(2, 4096).orElseThrow();
        assertEquals(a, b);
        assertArrayEquals(new byte[8192], ram.readMemory(b, 8192));
    }

    @Test
    void badFreeIsRecordedAndKeepsTheAllocation() {
        long a = frames.allocateFrames(2, 4096).orElseThrow();
        frames.freeFrames(a, 1);
        frames.freeFrames(a + 4096, 1);
        assertEquals(ViolationKind.BAD_FREE, log.all().get(0).kind());
        assertEquals(2, log.all().size());
        assertTrue(frames.isAllocated(a, 8192));
    }

    @Test
    void freesOfNoAllocationAreRecordedEachOnce() {
        long a = frames.allocateFrames(1, 4096).orElseThrow();
        frames.freeFrames(a + 1, 1);
        frames.freeFrames(0x1000, 1);
        frames.freeFrames(0x4000_0000L + (1L << 40), 1);
        frames.freeFrames(a + 4096, 0);
        frames.freeFrames(a, 1);
        frames.freeFrames(a, 1);
        assertEquals(5, log.all().size());
        assertTrue(log.all().stream().allMatch(v -> v.kind() == ViolationKind.BAD_FREE), log.all().toString());
        assertEquals(0, frames.allocatedFrames());
    }

    @Test
    void allocationsHighInRamFreeExactly() {
        long low = frames.allocateFrames(100, 4096).orElseThrow();
        long high = frames.allocateFrames(3, 1L << 19).orElseThrow();
        assertEquals(0x4008_0000L, high);
        frames.freeFrames(high, 2);
        assertEquals(103, frames.allocatedFrames());
        frames.freeFrames(high, 3);
        frames.freeFrames(low, 100);
        assertEquals(1, log.all().size());
        assertEquals(0, frames.allocatedFrames());
    }

    @Test
    void refuseMultiFrame() {
        frames.faults().refuseMultiFrame(true);
        assertTrue(frames.allocateFrames(2, 4096).isEmpty());
        assertTrue(frames.allocateFrames(1, 4096).isPresent());
    }

    @Test
    void refuseAfterN() {
        frames.faults().refuseAfter(2);
        assertTrue(frames.allocateFrames(1, 4096).isPresent());
        assertTrue(frames.allocateFrames(1, 4096).isPresent());
        assertTrue(frames.allocateFrames(1, 4096).isEmpty());
        frames.faults().clear();
        assertTrue(frames.allocateFrames(1, 4096).isPresent());
    }

    @Test
    void refuseAll() {
        frames.faults().refuseAll(true);
        assertTrue(frames.allocateFrames(1, 4096).isEmpty());
    }

    @Test
    void exhaustionAndBadArguments() {
        assertTrue(frames.allocateFrames(256, 4096).isPresent());
        assertTrue(frames.allocateFrames(1, 4096).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> frames.allocateFrames(0, 4096));
        assertThrows(IllegalArgumentException.class, () -> frames.allocateFrames(1, 6144));
    }
}
