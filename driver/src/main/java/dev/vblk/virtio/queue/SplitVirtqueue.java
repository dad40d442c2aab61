package dev.vblk.virtio.queue;

import dev.vblk.platform.LittleEndian;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.spec.DescriptorLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The split ring (VirtIO 1.1 section 2.6) behind {@link Virtqueue}: a free-descriptor list,
 * descriptor chains posted to the available ring (directly, or through indirect tables), the event
 * index for notification suppression, and used-ring consumption that checks everything the device
 * wrote before believing it.
 *
 * <p>Many chains may be in flight at once. Anything in the used ring that the driver did not ask for
 * (an index that runs ahead of what is in flight, an id that is not the head of a posted chain, a
 * length beyond the chain's writable buffers) is a protocol violation.
 *
 * <p>With VIRTIO_F_IN_ORDER (section 2.6.9) descriptors are taken in ring order, wrapping at the end
 * of the table, and the device may write one used element for a batch, at the batch's first slot,
 * naming the last chain's head, and move the used index by the batch's size: the chains before it
 * are taken as used whole. A used element naming a chain that is not among the next ones in the
 * order they were made available (one used out of order, or one left out) is a protocol violation.
 */
public final class SplitVirtqueue extends RingState {

    /** The descriptors a new ring keeps links for at first. */
    private static final int INITIAL_LINKS = 16;
    private final long descriptorTable;
    private final long availableRing;
    private final long usedRing;

    /**
     * The free list: {@code nextFree[d]} follows free descriptor {@code d}, for descriptors below
     * {@link #untouched}; from it on the list runs in ring order, {@code d + 1} after {@code d}, so a new
     * ring needs no pass over the array. Grown with {@link #chainNext} as descriptors are first used.
     */
    private int[] nextFree;
    private int untouched;
    private int freeHead;
    /**
     * The driver's own copy of each in-flight descriptor's link to the next one in its chain; as long
     * as {@link #nextFree}, which covers every descriptor used so far (most rings only use a few).
     */
    private int[] chainNext;
    private int availableIndex;
    private int notifiedIndex;
    private int lastUsedIndex;
    /** The used index as the driver last read it: the device may only move it forward from there. */
    private int seenUsedIndex;
    /** With {@link #inOrder}: the descriptor the next chain starts at. */
    private int nextInRingOrder;

    private SplitVirtqueue(Platform platform, int index, int size, String owner, QueueMemory memory, boolean indirect,
            boolean eventIndex, boolean inOrder) {
        super(platform, index, size, owner, memory, indirect, eventIndex, inOrder);
        this.descriptorTable = descriptorArea();
        this.availableRing = driverArea();
        this.usedRing = deviceArea();
        this.nextFree = new int[Math.min(size, INITIAL_LINKS)];
        this.freeHead = 0;
        this.chainNext = new int[nextFree.length];
    }

    /**
     * Allocates the queue's memory: one 4 KiB-aligned region when the allocator can give one,
     * otherwise a frame-aligned allocation per part.
     *
     * @param indirect whether VIRTIO_F_INDIRECT_DESC was negotiated and chains may use indirect tables
     * @param eventIndex whether VIRTIO_F_EVENT_IDX was negotiated
     * @throws VirtioException OUT_OF_MEMORY if the platform refuses the frames
     */
    public static SplitVirtqueue allocate(Platform platform, int index, int size, String owner,
            boolean indirect, boolean eventIndex) {
        return allocate(platform, index, size, owner, indirect, eventIndex, false);
    }

    /**
     * Allocates the queue's memory as {@link #allocate(Platform, int, int, String, boolean, boolean)}
     * does, for a queue with VIRTIO_F_IN_ORDER negotiated or not.
     */
    public static SplitVirtqueue allocate(Platform platform, int index, int size, String owner,
            boolean indirect, boolean eventIndex, boolean inOrder) {
        SplitVirtqueueLayout layout = new SplitVirtqueueLayout(size);
        QueueMemory memory = QueueMemory.allocate(platform, owner, index, size,
                new int[] {0, layout.availableOffset(), layout.usedOffset()},
                new int[] {layout.descriptorTableBytes(), layout.availableRingBytes(), layout.usedRingBytes()},
                layout.totalBytes());
        return new SplitVirtqueue(platform, index, size, owner, memory, indirect, eventIndex, inOrder);
    }

    @Override
    public SplitVirtqueue renew() {
        release();
        return allocate(platform, index(), size(), owner(), indirect(), eventIndex, inOrder);
    }

    @Override
    public int submit(List<BufferSegment> chain, long indirectTable) {
        int needed = descriptorsNeeded(chain);
        long writable = BufferSegment.writableBytes(chain);
        int[] ids = takeFree(needed);
        makeRoomFor(ids);
        if (needed == 1 && chain.size() > 1) {
            byte[] table = new byte[chain.size() * DescriptorLayout.BYTES];
            for (int i = 0; i < chain.size(); i++) {
                encode(table, (int) DescriptorLayout.offset(i), chain.get(i), i + 1 < chain.size() ? i + 1 : -1, 0);
            }
            platform.writeMemory(indirectTable, table);
            writeDescriptor(ids[0], new BufferSegment(indirectTable, table.length, false), -1, DescriptorLayout.F_INDIRECT);
        } else {
            for (int i = 0; i < ids.length; i++) {
                boolean last = i == ids.length - 1;
                writeDescriptor(ids[i], chain.get(i), last ? -1 : ids[i + 1], 0);
                if (!last) {
                    chainNext[ids[i]] = ids[i + 1];
                }
            }
        }
        int head = ids[0];
        track(head, writable, ids.length);
        platform.writeU16(availableRing + SplitVirtqueueLayout.availableSlotOffset(availableIndex % size()), head);
        availableIndex = (availableIndex + 1) & 0xffff;
        platform.writeU16(availableRing + SplitVirtqueueLayout.availableIndexOffset(), availableIndex);
        return head;
    }

    private int[] takeFree(int count) {
        int[] ids = new int[count];
        if (inOrder) {
            for (int i = 0; i < count; i++) {
                ids[i] = nextInRingOrder;
                nextInRingOrder = (nextInRingOrder + 1) % size();
            }
            return ids;
        }
        for (int i = 0; i < count; i++) {
            ids[i] = freeHead;
            if (freeHead >= untouched) {
                untouched = freeHead + 1;
                freeHead = untouched;
            } else {
                freeHead = nextFree[freeHead];
            }
        }
        return ids;
    }

    /** Grows {@link #nextFree} and {@link #chainNext} to cover every descriptor of {@code ids}. */
    private void makeRoomFor(int[] ids) {
        int highest = 0;
        for (int id : ids) {
            highest = Math.max(highest, id);
        }
        if (highest >= chainNext.length) {
            int length = grownLength(highest, chainNext.length);
            nextFree = Arrays.copyOf(nextFree, length);
            chainNext = Arrays.copyOf(chainNext, length);
        }
    }

    /** Writes ring descriptor {@code id}; {@code next} < 0 ends the chain. */
    private void writeDescriptor(int id, BufferSegment segment, int next, int extraFlags) {
        byte[] descriptor = new byte[DescriptorLayout.BYTES];
        encode(descriptor, 0, segment, next, extraFlags);
        platform.writeMemory(descriptorTable + DescriptorLayout.offset(id), descriptor);
    }

    /** Encodes one descriptor at {@code offset}; {@code next} < 0 ends the chain. */
    private static void encode(byte[] table, int offset, BufferSegment segment, int next, int extraFlags) {
        int flags = (next >= 0 ? DescriptorLayout.F_NEXT : 0) | (segment.deviceWritable() ? DescriptorLayout.F_WRITE : 0);
        DescriptorLayout.putSplit(table, offset, segment.address(), segment.length(), flags | extraFlags, Math.max(next, 0));
    }

    @Override
    public boolean notificationNeeded() {
        int old = notifiedIndex;
        notifiedIndex = availableIndex;
        if (old == availableIndex) {
            return false;
        }
        if (!eventIndex) {
            return true;
        }
        int event = platform.readU16(usedRing + SplitVirtqueueLayout.availEventOffset(size()));
        return ((availableIndex - event - 1) & 0xffff) < ((availableIndex - old) & 0xffff);
    }

    @Override
    public long notificationData() {
        return index() | (long) availableIndex << 16;
    }

    @Override
    public boolean enableUsedNotification() {
        if (!eventIndex) {
            return false;
        }
        platform.writeU16(availableRing + SplitVirtqueueLayout.usedEventOffset(size()), lastUsedIndex);
        int usedIndex = platform.readU16(usedRing + SplitVirtqueueLayout.usedIndexOffset());
        if (((usedIndex - lastUsedIndex) & 0xffff) <= inFlight()) {
            seenUsedIndex = usedIndex;
        }
        return usedIndex != lastUsedIndex;
    }

    @Override
    public List<UsedElement> collectUsed() {
        deferredViolation.throwIfPending();
        int usedIndex = platform.readU16(usedRing + SplitVirtqueueLayout.usedIndexOffset());
        int fresh = (usedIndex - lastUsedIndex) & 0xffff;
        if (fresh > inFlight()) {
            throw violation("used index moved from " + lastUsedIndex + " to " + usedIndex + ", but only "
                    + inFlight() + " request(s) are in flight");
        }
        if (fresh < ((seenUsedIndex - lastUsedIndex) & 0xffff)) {
            throw violation("used index moved back from " + seenUsedIndex + ", read before, to " + usedIndex);
        }
        seenUsedIndex = usedIndex;
        List<UsedElement> returned = new ArrayList<>(fresh);
        while (returned.size() < fresh) {
            int slot = lastUsedIndex % size();
            byte[] element = platform.readMemory(usedRing + SplitVirtqueueLayout.usedSlotOffset(slot),
                    SplitVirtqueueLayout.USED_ELEMENT_SIZE);
            long id = LittleEndian.get(element, 0, 4);
            long length = LittleEndian.get(element, 4, 4);
            int batch = inOrder ? inOrderBatch(id, fresh - returned.size()) : 1;
            VirtioException broken = null;
            if (!isInFlight(id)) {
                broken = violation("used ring slot " + slot + " names descriptor " + id
                        + ", which heads no request in flight");
            } else if (length > writable((int) id)) {
                broken = violation("used ring slot " + slot + " says " + length + " bytes were written to descriptor "
                        + id + "'s chain, which has only " + writable((int) id) + " writable bytes");
            } else if (batch == 0) {
                broken = violation("used ring slot " + slot + " names descriptor " + id + ", which is not among the next "
                        + (fresh - returned.size()) + " request(s) made available: under VIRTIO_F_IN_ORDER the device "
                        + "used a request out of order or left one out");
            }
            if (broken != null) {
                return deferredViolation.deferOrThrow(returned, broken);
            }
            for (int n = 0; n < batch; n++) {
                int head = inOrder ? oldestToken() : (int) id;
                returned.add(batchMember(head, id, length));
                freeChain(head);
            }
            lastUsedIndex = (lastUsedIndex + batch) & 0xffff;
        }
        return returned;
    }

    /** Ids of the heads of every chain still in flight. */
    public List<Integer> inFlightHeads() {
        List<Integer> heads = new ArrayList<>();
        for (int i = 0; i < size(); i++) {
            if (isInFlight(i)) {
                heads.add(i);
            }
        }
        return heads;
    }

    private void freeChain(int head) {
        // The driver's own copy of the links is walked; the descriptor table in guest memory is
        // never trusted for this. In ring order the free descriptors are those after the chains in flight.
        int length = untrack(head);
        if (inOrder) {
            return;
        }
        int[] ids = new int[length];
        ids[0] = head;
        for (int i = 1; i < length; i++) {
            ids[i] = chainNext[ids[i - 1]];
        }
        for (int i = length - 1; i >= 0; i--) {
            nextFree[ids[i]] = freeHead;
            freeHead = ids[i];
        }
    }
}
