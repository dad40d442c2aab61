package dev.vblk.virtio.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.testing.MemoryOnlyPlatform;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.queue.chain.ChainDecoder;
import dev.vblk.virtio.queue.chain.ChainSegment;
import dev.vblk.virtio.queue.chain.DecodedChain;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The split virtqueue against guest memory, with the test writing the device's side by hand. */
class SplitVirtqueueTest {

    private final MemoryOnlyPlatform platform = new MemoryOnlyPlatform();

    @Test
    void layoutFollowsTheSpecificationsAlignment() {
        SplitVirtqueueLayout layout = new SplitVirtqueueLayout(256);
        assertEquals(4096, layout.descriptorTableBytes());
        assertEquals(4096, layout.availableOffset());
        assertEquals(6 + 512, layout.availableRingBytes());
        assertEquals(4616, layout.usedOffset(), "used ring 4-byte aligned after the available ring");
        assertEquals(4616 + 6 + 2048, layout.totalBytes());
        assertEquals(0, new SplitVirtqueueLayout(8).usedOffset() % 4);
        assertThrows(IllegalArgumentException.class, () -> new SplitVirtqueueLayout(12));
    }

    @Test
    void queueSharesOneFrameAlignedRegionWhenItFits() {
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 128, "test", false, false);
        assertEquals(0, queue.descriptorArea() % 4096);
        assertEquals(queue.descriptorArea() + 2048, queue.driverArea());
        assertEquals(1, platform.allocatedFrames(), "128 entries fit in 4 KiB");
        queue.release();
        assertEquals(0, platform.allocatedFrames());
    }

    @Test
    void queueFallsBackToOneFramePerPartWhenContiguousMemoryIsRefused() {
        platform.refuseMultiFrameAllocations();
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 256, "test", false, false);
        assertEquals(3, platform.allocatedFrames());
        assertEquals(0, queue.driverArea() % 4096);
        assertEquals(0, queue.deviceArea() % 4096);
        queue.release();
        assertEquals(0, platform.allocatedFrames());
    }

    @Test
    void chainIsLinkedInOrderWithFlagsAndOffered() {
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 8, "test", false, false);
        int head = queue.submit(List.of(
                new BufferSegment(0x4010_0000L, 16, false),
                new BufferSegment(0x4010_1000L, 512, true),
                new BufferSegment(0x4010_0010L, 1, true)), 0);
        DecodedChain chain = new ChainDecoder(platform::readMemory, queue.descriptorArea(), queue.size(), false)
                .decode(head);
        assertEquals(List.of(new ChainSegment(0x4010_0000L, 16, false), new ChainSegment(0x4010_1000L, 512, true),
                new ChainSegment(0x4010_0010L, 1, true)), chain.segments());
        assertEquals(1, platform.readU16(queue.driverArea() + 2), "available idx");
        assertEquals(head, platform.readU16(queue.driverArea() + 4), "ring[0]");
        assertEquals(5, queue.freeDescriptors());
        assertEquals(1, queue.inFlight());
    }

    @Test
    void completionsAreMatchedByHeadAndFreeTheirDescriptors() {
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 8, "test", false, false);
        int first = queue.submit(List.of(new BufferSegment(0x4010_0000L, 16, false), new BufferSegment(0x4010_0010L, 1, true)), 0);
        int second = queue.submit(List.of(new BufferSegment(0x4010_0100L, 16, false), new BufferSegment(0x4010_0110L, 1, true)), 0);
        complete(queue, 0, second, 1);
        complete(queue, 1, first, 1);
        assertEquals(List.of(new UsedElement(second, 1), new UsedElement(first, 1)), queue.collectUsed(),
                "completions in the order the device returned them");
        assertEquals(List.of(), queue.collectUsed(), "a completion is taken once");
        assertEquals(8, queue.freeDescriptors());
        assertEquals(0, queue.inFlight());
    }

    @Test
    void chainsBeyondTheFirstDescriptorsKeepTheirLinksAsTheBookkeepingGrows() {
        // 20 chains of 3 ring descriptors reach descriptor 59: the driver's links and free list grow
        // from their first few entries while chains made before are in flight.
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 64, "test", false, false);
        for (int round = 0; round < 2; round++) {
            int[] heads = new int[20];
            for (int i = 0; i < heads.length; i++) {
                heads[i] = queue.submit(chainOfThree(round * 100 + i), 0);
            }
            for (int i = 0; i < heads.length; i++) {
                DecodedChain chain = new ChainDecoder(platform::readMemory, queue.descriptorArea(), queue.size(), false)
                        .decode(heads[i]);
                assertEquals(segmentsOf(chainOfThree(round * 100 + i)), chain.segments(), "chain " + i + " of round " + round);
            }
            for (int i = 0; i < heads.length; i++) {
                complete(queue, round * heads.length + i, heads[heads.length - 1 - i], 0);
            }
            assertEquals(heads.length, queue.collectUsed().size());
            assertEquals(64, queue.freeDescriptors(), "every descriptor free again after round " + round);
        }
    }

    private static List<BufferSegment> chainOfThree(int n) {
        long base = 0x4010_0000L + n * 0x1000L;
        return List.of(new BufferSegment(base, 16, false), new BufferSegment(base + 0x100, 512, true),
                new BufferSegment(base + 0x800, 1, true));
    }

    private static List<ChainSegment> segmentsOf(List<BufferSegment> chain) {
        return chain.stream().map(s -> new ChainSegment(s.address(), s.length(), s.deviceWritable())).toList();
    }

    @Test
    void descriptorsAreReusedAcrossTheIndexWrap() {
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 4, "test", false, false);
        for (int n = 0; n < 70_000; n++) {
            int head = queue.submit(List.of(new BufferSegment(0x4010_0000L, 16, false), new BufferSegment(0x4010_0010L, 1, true)), 0);
            complete(queue, n & 0xffff, head, 1);
            assertEquals(List.of(new UsedElement(head, 1)), queue.collectUsed());
        }
        assertEquals(4, queue.freeDescriptors());
    }

    @Test
    void usedIndexRunningAheadOfWhatIsInFlightIsAViolation() {
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 8, "test", false, false);
        int head = queue.submit(List.of(new BufferSegment(0x4010_0000L, 16, false), new BufferSegment(0x4010_0010L, 1, true)), 0);
        platform.writeU32(queue.deviceArea() + 4, head);
        platform.writeU16(queue.deviceArea() + 2, 2);
        assertViolation(queue, "used index moved from 0 to 2");
    }

    @Test
    void usedIndexMovingBackwardsPastTheDriversPositionIsAViolation() {
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 8, "test", false, false);
        int head = queue.submit(List.of(new BufferSegment(0x4010_0000L, 16, false), new BufferSegment(0x4010_0010L, 1, true)), 0);
        complete(queue, 0, head, 1);
        assertEquals(List.of(new UsedElement(head, 1)), queue.collectUsed());
        queue.submit(List.of(new BufferSegment(0x4010_0000L, 16, false), new BufferSegment(0x4010_0010L, 1, true)), 0);
        platform.writeU16(queue.deviceArea() + 2, 0);
        assertViolation(queue, "used index moved from 1 to 0");
    }

    @Test
    void usedIndexTakenBackAfterTheDriverReadItIsAViolation() {
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 8, "test", false, true);
        int head = queue.submit(List.of(new BufferSegment(0x4010_0000L, 16, false), new BufferSegment(0x4010_0010L, 1, true)), 0);
        complete(queue, 0, head, 1);
        assertTrue(queue.enableUsedNotification(), "the driver read the used index: one completion to take");
        platform.writeU16(queue.deviceArea() + 2, 0);
        assertViolation(queue, "used index moved back from 1, read before, to 0");
    }

    @Test
    void unknownIdIsAViolation() {
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 8, "test", false, false);
        int head = queue.submit(List.of(new BufferSegment(0x4010_0000L, 16, false), new BufferSegment(0x4010_0010L, 1, true)), 0);
        int notAHead = (head + 1) % 8;
        complete(queue, 0, notAHead, 1);
        assertViolation(queue, "names descriptor " + notAHead);
    }

    @Test
    void idBeyondTheQueueIsAViolation() {
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 8, "test", false, false);
        queue.submit(List.of(new BufferSegment(0x4010_0000L, 16, false), new BufferSegment(0x4010_0010L, 1, true)), 0);
        complete(queue, 0, 4096, 1);
        assertViolation(queue, "names descriptor 4096");
    }

    @Test
    void lengthBeyondTheWritableBuffersIsAViolation() {
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 8, "test", false, false);
        int head = queue.submit(List.of(new BufferSegment(0x4010_0000L, 16, false),
                new BufferSegment(0x4010_1000L, 512, true), new BufferSegment(0x4010_0010L, 1, true)), 0);
        complete(queue, 0, head, 514);
        assertViolation(queue, "514 bytes");
    }

    @Test
    void duplicatedCompletionIsAViolationAfterTheCompletionsBeforeIt() {
        SplitVirtqueue queue = SplitVirtqueue.allocate(platform, 0, 8, "test", false, false);
        int first = queue.submit(List.of(new BufferSegment(0x4010_0000L, 16, false), new BufferSegment(0x4010_0010L, 1, true)), 0);
        queue.submit(List.of(new BufferSegment(0x4010_0100L, 16, false), new BufferSegment(0x4010_0110L, 1, true)), 0);
        complete(queue, 0, first, 1);
        complete(queue, 1, first, 1);
        assertEquals(List.of(new UsedElement(first, 1)), queue.collectUsed(), "the good completion is not lost");
        assertViolation(queue, "names descriptor " + first);
        assertViolation(queue, "names descriptor " + first);
    }

    private void complete(SplitVirtqueue queue, int usedIndex, int id, int length) {
        long element = queue.deviceArea() + 4 + 8L * (usedIndex % queue.size());
        platform.writeU32(element, id);
        platform.writeU32(element + 4, length);
        platform.writeU16(queue.deviceArea() + 2, (usedIndex + 1) & 0xffff);
    }

    private static void assertViolation(SplitVirtqueue queue, String expected) {
        VirtioException error = assertThrows(VirtioException.class, queue::collectUsed);
        assertEquals(VirtioException.Kind.PROTOCOL_VIOLATION, error.kind());
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }
}
