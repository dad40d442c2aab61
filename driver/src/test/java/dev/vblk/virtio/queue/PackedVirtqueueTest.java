package dev.vblk.virtio.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.LittleEndian;
import dev.vblk.testing.MemoryOnlyPlatform;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.queue.chain.ChainDecoder;
import dev.vblk.virtio.queue.chain.ChainSegment;
import dev.vblk.virtio.queue.chain.DecodedChain;
import dev.vblk.virtio.spec.DescriptorLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packed virtqueue against guest memory, with the test writing the device's side by hand. */
class PackedVirtqueueTest {

    private static final List<BufferSegment> REQUEST = List.of(new BufferSegment(0x4010_0000L, 16, false),
            new BufferSegment(0x4010_1000L, 512, true), new BufferSegment(0x4010_0010L, 1, true));
    private static final long TABLE = 0x4020_0000L;

    private final MemoryOnlyPlatform platform = new MemoryOnlyPlatform();

    @Test
    void layoutPutsBothEventSuppressionStructuresAfterTheRing() {
        PackedVirtqueueLayout layout = new PackedVirtqueueLayout(256);
        assertEquals(4096, layout.driverEventOffset());
        assertEquals(4100, layout.deviceEventOffset());
        assertEquals(4104, layout.totalBytes());
        assertThrows(IllegalArgumentException.class, () -> new PackedVirtqueueLayout(12));
        PackedVirtqueue queue = PackedVirtqueue.allocate(platform, 0, 128, "test", true, true);
        assertEquals(queue.descriptorArea() + 2048, queue.driverArea());
        assertEquals(queue.descriptorArea() + 2052, queue.deviceArea());
        assertEquals(1, platform.allocatedFrames());
        queue.release();
        assertEquals(0, platform.allocatedFrames());
    }

    @Test
    void queueFallsBackToOneFramePerPartWhenContiguousMemoryIsRefused() {
        platform.refuseMultiFrameAllocations();
        PackedVirtqueue queue = PackedVirtqueue.allocate(platform, 0, 256, "test", false, false);
        assertEquals(3, platform.allocatedFrames());
        queue.release();
        assertEquals(0, platform.allocatedFrames());
    }

    @Test
    void directChainsTakeConsecutivePositionsAndWrapWithTheirFlags() {
        PackedVirtqueue queue = PackedVirtqueue.allocate(platform, 0, 4, "test", false, false);
        ChainDecoder decoder = new ChainDecoder(platform::readMemory, queue.descriptorArea(), 4, false);
        int first = queue.submit(REQUEST, 0);
        DecodedChain chain = decoder.decodePacked(0, true);
        assertEquals(first, chain.head(), "the buffer id is in the chain's last descriptor");
        assertEquals(3, chain.ringDescriptors());
        assertEquals(List.of(new ChainSegment(0x4010_0000L, 16, false), new ChainSegment(0x4010_1000L, 512, true),
                new ChainSegment(0x4010_0010L, 1, true)), chain.segments());
        assertEquals(1, queue.freeDescriptors());
        complete(queue, 0, first, 1, true);
        assertEquals(List.of(new UsedElement(first, 1)), queue.collectUsed());
        assertEquals(4, queue.freeDescriptors());

        int second = queue.submit(REQUEST, 0);
        // Positions 3, 0 and 1: the second and third descriptors are in the next lap.
        assertEquals(DescriptorLayout.F_AVAIL | DescriptorLayout.F_NEXT, flags(queue, 3));
        assertEquals(DescriptorLayout.F_USED | DescriptorLayout.F_NEXT | DescriptorLayout.F_WRITE,
                flags(queue, 0));
        assertEquals(second, decoder.decodePacked(3, true).head());
        complete(queue, 3, second, 1, true);
        assertEquals(List.of(new UsedElement(second, 1)), queue.collectUsed());
        int third = queue.submit(REQUEST.subList(0, 1), 0);
        assertEquals(DescriptorLayout.F_USED, flags(queue, 2), "the third chain's lap has wrap counter 0");
        complete(queue, 2, third, 0, false);
        assertEquals(List.of(new UsedElement(third, 0)), queue.collectUsed(), "used under the flipped wrap counter");
    }

    @Test
    void indirectChainsTakeOnePositionAndCompleteOutOfOrderByBufferId() {
        PackedVirtqueue queue = PackedVirtqueue.allocate(platform, 0, 8, "test", true, false);
        int first = queue.submit(REQUEST, TABLE);
        int second = queue.submit(REQUEST, TABLE + 0x100);
        assertEquals(6, queue.freeDescriptors());
        assertEquals(DescriptorLayout.F_AVAIL | DescriptorLayout.F_INDIRECT, flags(queue, 0));
        complete(queue, 0, second, 513, true);
        complete(queue, 1, first, 1, true);
        assertEquals(List.of(new UsedElement(second, 513), new UsedElement(first, 1)), queue.collectUsed());
        assertEquals(List.of(), queue.collectUsed(), "a used descriptor is taken once");
        assertEquals(0, queue.inFlight());
    }

    @Test
    void usedDescriptorsTheDriverDidNotAskForAreProtocolViolations() {
        PackedVirtqueue queue = PackedVirtqueue.allocate(platform, 0, 8, "test", true, false);
        int id = queue.submit(REQUEST, TABLE);
        complete(queue, 0, id + 1, 1, true);
        assertEquals(VirtioException.Kind.PROTOCOL_VIOLATION, assertThrows(VirtioException.class, queue::collectUsed).kind());

        PackedVirtqueue again = PackedVirtqueue.allocate(platform, 1, 8, "test", true, false);
        int head = again.submit(REQUEST, TABLE);
        complete(again, 0, head, 514, true);
        VirtioException tooLong = assertThrows(VirtioException.class, again::collectUsed);
        assertTrue(tooLong.getMessage().contains("only 513 writable bytes"), tooLong.getMessage());
    }

    @Test
    void chainsOfDifferentLengthsCompleteOutOfOrderAndTheUsedPositionAdvancesByEach() {
        PackedVirtqueue queue = PackedVirtqueue.allocate(platform, 0, 8, "test", false, false);
        int three = queue.submit(REQUEST, 0);
        int one = queue.submit(REQUEST.subList(0, 1), 0);
        int two = queue.submit(REQUEST.subList(0, 2), 0);
        assertEquals(2, queue.freeDescriptors());
        // The one-descriptor chain first, at position 0; the three-descriptor chain at 1; the two at 4.
        complete(queue, 0, one, 0, true);
        complete(queue, 1, three, 513, true);
        assertEquals(List.of(new UsedElement(one, 0), new UsedElement(three, 513)), queue.collectUsed());
        assertEquals(6, queue.freeDescriptors());
        assertEquals(List.of(), queue.collectUsed(), "position 4 is still the driver's available descriptor");
        complete(queue, 4, two, 512, true);
        assertEquals(List.of(new UsedElement(two, 512)), queue.collectUsed());
        assertEquals(8, queue.freeDescriptors());
        assertEquals(List.of(), queue.collectUsed(), "position 6 holds nothing in flight");
        assertFalse(queue.violationPending());
    }

    @Test
    void aDeviceWhoseUsedPositionRanALapAheadIsCaughtAfterTheChainsBeforeIt() {
        PackedVirtqueue queue = PackedVirtqueue.allocate(platform, 0, 8, "test", true, false);
        int first = queue.submit(REQUEST, TABLE);
        int second = queue.submit(REQUEST, TABLE + 0x100);
        int third = queue.submit(REQUEST, TABLE + 0x200);
        complete(queue, 0, first, 1, true);
        // Position 1 is marked used in the next lap: the device went round the ring past it.
        complete(queue, 1, second, 1, false);
        complete(queue, 2, third, 1, false);
        assertEquals(List.of(new UsedElement(first, 1)), queue.collectUsed());
        assertTrue(queue.violationPending());
        VirtioException lapped = assertThrows(VirtioException.class, queue::collectUsed);
        assertEquals(VirtioException.Kind.PROTOCOL_VIOLATION, lapped.kind());
        assertTrue(lapped.getMessage().contains("ring position 1, in flight, has flags 0x0000"), lapped.getMessage());

        PackedVirtqueue alone = PackedVirtqueue.allocate(platform, 1, 8, "test", true, false);
        alone.submit(REQUEST, TABLE);
        complete(alone, 0, 0, 1, false);
        assertEquals(VirtioException.Kind.PROTOCOL_VIOLATION, assertThrows(VirtioException.class, alone::collectUsed).kind(),
                "thrown at once when nothing came back before it");
    }

    @Test
    void aDuplicateAfterTheLastChainInFlightIsPendingUntilTheNextCollection() {
        PackedVirtqueue queue = PackedVirtqueue.allocate(platform, 0, 8, "test", true, false);
        int first = queue.submit(REQUEST, TABLE);
        int second = queue.submit(REQUEST, TABLE + 0x100);
        complete(queue, 0, second, 1, true);
        complete(queue, 1, first, 1, true);
        complete(queue, 2, first, 1, true);
        assertEquals(List.of(new UsedElement(second, 1), new UsedElement(first, 1)), queue.collectUsed());
        assertTrue(queue.violationPending(), "the third used descriptor names a chain no longer in flight");
        VirtioException duplicate = assertThrows(VirtioException.class, queue::collectUsed);
        assertTrue(duplicate.getMessage().contains("ring position 2 names buffer " + first), duplicate.getMessage());
    }

    @Test
    void withoutTheEventIndexEveryNewChainIsNotified() {
        PackedVirtqueue queue = PackedVirtqueue.allocate(platform, 0, 8, "test", true, false);
        assertFalse(queue.notificationNeeded(), "nothing new");
        queue.submit(REQUEST, TABLE);
        deviceEvent(queue, 0, true, PackedVirtqueueLayout.EVENT_DISABLE);
        assertTrue(queue.notificationNeeded());
        assertFalse(queue.notificationNeeded());
        assertFalse(queue.enableUsedNotification());
        assertEquals(0, platform.readU32(queue.driverArea()), "interrupts stay enabled");
    }

    @Test
    void withTheEventIndexTheDeviceEventDecides() {
        PackedVirtqueue queue = PackedVirtqueue.allocate(platform, 0, 4, "test", true, true);
        queue.submit(REQUEST, TABLE);
        deviceEvent(queue, 3, true, PackedVirtqueueLayout.EVENT_DESC);
        assertFalse(queue.notificationNeeded(), "the device waits for position 3, not yet made available");
        queue.submit(REQUEST, TABLE);
        deviceEvent(queue, 1, true, PackedVirtqueueLayout.EVENT_DESC);
        assertTrue(queue.notificationNeeded(), "the device waits for position 1");
        queue.submit(REQUEST, TABLE);
        assertFalse(queue.notificationNeeded(), "position 1 is behind the new chain at 2");
        queue.submit(REQUEST, TABLE);
        deviceEvent(queue, 3, true, PackedVirtqueueLayout.EVENT_DISABLE);
        assertFalse(queue.notificationNeeded(), "notifications disabled");
        for (int position = 0; position < 4; position++) {
            complete(queue, position, position, 1, true);
        }
        assertEquals(4, queue.collectUsed().size());
        queue.submit(REQUEST, TABLE);
        deviceEvent(queue, 3, true, PackedVirtqueueLayout.EVENT_ENABLE);
        assertTrue(queue.notificationNeeded(), "notifications enabled");
        queue.submit(REQUEST, TABLE);
        deviceEvent(queue, 3, true, PackedVirtqueueLayout.EVENT_DESC);
        assertFalse(queue.notificationNeeded(), "position 3 of the last lap is behind position 1 of this one");
        queue.submit(REQUEST, TABLE);
        deviceEvent(queue, 2, false, PackedVirtqueueLayout.EVENT_DESC);
        assertTrue(queue.notificationNeeded(), "position 2 of this lap, wrap counter 0");
    }

    @Test
    void enablingUsedNotificationNamesThePositionReadNext() {
        PackedVirtqueue queue = PackedVirtqueue.allocate(platform, 0, 8, "test", true, true);
        int id = queue.submit(REQUEST, TABLE);
        assertFalse(queue.enableUsedNotification());
        assertEquals(PackedVirtqueueLayout.WRAP_BIT | ((long) PackedVirtqueueLayout.EVENT_DESC << 16),
                platform.readU32(queue.driverArea()));
        complete(queue, 0, id, 1, true);
        assertTrue(queue.enableUsedNotification(), "a used descriptor is already there");
        queue.collectUsed();
        queue.enableUsedNotification();
        assertEquals(1 | PackedVirtqueueLayout.WRAP_BIT | ((long) PackedVirtqueueLayout.EVENT_DESC << 16),
                platform.readU32(queue.driverArea()));
    }

    private int flags(PackedVirtqueue queue, int position) {
        return platform.readU16(queue.descriptorArea() + 16L * position + DescriptorLayout.PACKED_FLAGS_OFFSET);
    }

    /** Writes a used descriptor at {@code position} as the device would, in a lap of {@code wrap}. */
    private void complete(PackedVirtqueue queue, int position, int id, int length, boolean wrap) {
        byte[] used = new byte[8];
        LittleEndian.put(used, 0, 4, length);
        LittleEndian.put(used, 4, 2, id);
        LittleEndian.put(used, 6, 2, wrap ? DescriptorLayout.F_AVAIL | DescriptorLayout.F_USED : 0);
        platform.writeMemory(queue.descriptorArea() + 16L * position + 8, used);
    }

    private void deviceEvent(PackedVirtqueue queue, int position, boolean wrap, int flags) {
        platform.writeU32(queue.deviceArea(), PackedVirtqueueLayout.offWrap(position, wrap) | ((long) flags << 16));
    }
}
