package dev.vblk.virtio.queue;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.platform.LittleEndian;
import dev.vblk.platform.Platform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The driver's side of one split virtqueue in guest memory: a free-descriptor list, descriptor
 * chains posted to the available ring, and used-ring consumption that checks everything the device
 * wrote before believing it.
 *
 * <p>Many chains may be in flight at once; completions are matched to their chains by head
 * descriptor id and kept until the owner takes them. Anything in the used ring that the driver did
 * not ask for (an index that runs ahead of what is in flight, an id that is not the head of a posted
 * chain, a length beyond the chain's writable buffers) is a protocol violation.
 */
public final class SplitVirtqueue {

    private static final int FRAME = FrameAllocator.FRAME_SIZE;

    private final Platform platform;
    private final int index;
    private final SplitVirtqueueLayout layout;
    private final String owner;
    private final long descriptorTable;
    private final long availableRing;
    private final long usedRing;
    private final long[] regions;
    private final int[] regionFrames;

    private final int[] nextFree;
    private int freeHead;
    private int freeCount;
    /** For each descriptor that heads an in-flight chain: its device-writable byte count; -1 otherwise. */
    private final long[] inFlightWritable;
    /** For each descriptor that heads an in-flight chain: the chain's length in descriptors. */
    private final int[] chainLength;
    /** The driver's own copy of each in-flight descriptor's link to the next one in its chain. */
    private final int[] chainNext;
    private int inFlightCount;
    private int availableIndex;
    private int lastUsedIndex;
    private final Map<Integer, UsedElement> completed = new HashMap<>();

    private SplitVirtqueue(Platform platform, int index, SplitVirtqueueLayout layout, String owner,
            long descriptorTable, long availableRing, long usedRing, long[] regions, int[] regionFrames) {
        this.platform = platform;
        this.index = index;
        this.layout = layout;
        this.owner = owner;
        this.descriptorTable = descriptorTable;
        this.availableRing = availableRing;
        this.usedRing = usedRing;
        this.regions = regions;
        this.regionFrames = regionFrames;
        int size = layout.size();
        this.nextFree = new int[size];
        for (int i = 0; i < size; i++) {
            nextFree[i] = i + 1;
        }
        this.freeHead = 0;
        this.freeCount = size;
        this.inFlightWritable = new long[size];
        Arrays.fill(inFlightWritable, -1);
        this.chainLength = new int[size];
        this.chainNext = new int[size];
    }

    /**
     * Allocates the queue's memory: one 4 KiB-aligned region when the allocator can give one,
     * otherwise a frame-aligned allocation per part.
     */
    public static SplitVirtqueue allocate(Platform platform, int index, int size, String owner) {
        SplitVirtqueueLayout layout = new SplitVirtqueueLayout(size);
        int frames = (layout.totalBytes() + FRAME - 1) / FRAME;
        OptionalLong region = platform.allocateFrames(frames, FRAME);
        if (region.isPresent()) {
            long base = region.getAsLong();
            return new SplitVirtqueue(platform, index, layout, owner, base, base + layout.availableOffset(),
                    base + layout.usedOffset(), new long[] {base}, new int[] {frames});
        }
        int[] partBytes = {layout.descriptorTableBytes(), layout.availableRingBytes(), layout.usedRingBytes()};
        long[] parts = new long[3];
        int[] partFrames = new int[3];
        for (int i = 0; i < 3; i++) {
            partFrames[i] = (partBytes[i] + FRAME - 1) / FRAME;
            OptionalLong part = platform.allocateFrames(partFrames[i], FRAME);
            if (part.isEmpty()) {
                for (int j = 0; j < i; j++) {
                    platform.freeFrames(parts[j], partFrames[j]);
                }
                throw BlockDeviceException.of(ErrorKind.OUT_OF_MEMORY,
                        "the platform refused frames for virtqueue " + index + " of " + size + " entries")
                        .device(owner).build();
            }
            parts[i] = part.getAsLong();
        }
        return new SplitVirtqueue(platform, index, layout, owner, parts[0], parts[1], parts[2], parts, partFrames);
    }

    /** Returns the queue's memory to the allocator. The device must no longer use the queue. */
    public void release() {
        for (int i = 0; i < regions.length; i++) {
            platform.freeFrames(regions[i], regionFrames[i]);
        }
    }

    public int index() {
        return index;
    }

    public int size() {
        return layout.size();
    }

    public long descriptorTableAddress() {
        return descriptorTable;
    }

    public long availableRingAddress() {
        return availableRing;
    }

    public long usedRingAddress() {
        return usedRing;
    }

    /** Descriptors not part of an in-flight chain. */
    public int freeDescriptors() {
        return freeCount;
    }

    /** Chains posted and not yet completed. */
    public int inFlight() {
        return inFlightCount;
    }

    /**
     * Writes {@code chain} into free descriptors, linked in order, and makes it available to the
     * device. The caller notifies the device.
     *
     * @return the head descriptor id, which the completion will carry
     */
    public int submit(List<BufferSegment> chain) {
        if (chain.isEmpty() || chain.size() > freeCount) {
            throw new IllegalStateException("chain of " + chain.size() + " descriptors, " + freeCount + " free");
        }
        int[] ids = new int[chain.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = freeHead;
            freeHead = nextFree[freeHead];
        }
        freeCount -= ids.length;
        long writable = 0;
        byte[] descriptor = new byte[SplitVirtqueueLayout.DESCRIPTOR_SIZE];
        for (int i = 0; i < ids.length; i++) {
            BufferSegment segment = chain.get(i);
            boolean last = i == ids.length - 1;
            int flags = (last ? 0 : SplitVirtqueueLayout.F_NEXT) | (segment.deviceWritable() ? SplitVirtqueueLayout.F_WRITE : 0);
            LittleEndian.put(descriptor, 0, 8, segment.address());
            LittleEndian.put(descriptor, 8, 4, segment.length());
            LittleEndian.put(descriptor, 12, 2, flags);
            LittleEndian.put(descriptor, 14, 2, last ? 0 : ids[i + 1]);
            platform.writeMemory(descriptorTable + SplitVirtqueueLayout.descriptorOffset(ids[i]), descriptor);
            if (segment.deviceWritable()) {
                writable += segment.length();
            }
            if (!last) {
                chainNext[ids[i]] = ids[i + 1];
            }
        }
        int head = ids[0];
        inFlightWritable[head] = writable;
        chainLength[head] = ids.length;
        inFlightCount++;
        platform.writeU16(availableRing + SplitVirtqueueLayout.availableSlotOffset(availableIndex % layout.size()), head);
        availableIndex = (availableIndex + 1) & 0xffff;
        platform.writeU16(availableRing + SplitVirtqueueLayout.availableIndexOffset(), availableIndex);
        return head;
    }

    /**
     * Reads what the device has added to the used ring since the last call, checks each entry, frees
     * its chain and keeps the completion for {@link #takeCompletion}.
     *
     * @return how many completions were new
     * @throws BlockDeviceException of kind {@link ErrorKind#PROTOCOL_VIOLATION} for an entry the
     *     driver did not ask for
     */
    public int collectUsed() {
        int usedIndex = platform.readU16(usedRing + SplitVirtqueueLayout.usedIndexOffset());
        int fresh = (usedIndex - lastUsedIndex) & 0xffff;
        if (fresh > inFlightCount) {
            throw violation(String.format("used index moved from %d to %d, but only %d request(s) are in flight",
                    lastUsedIndex, usedIndex, inFlightCount));
        }
        for (int n = 0; n < fresh; n++) {
            int slot = lastUsedIndex % layout.size();
            byte[] element = platform.readMemory(usedRing + SplitVirtqueueLayout.usedSlotOffset(slot),
                    SplitVirtqueueLayout.USED_ELEMENT_SIZE);
            long id = LittleEndian.get(element, 0, 4);
            long length = LittleEndian.get(element, 4, 4);
            if (id >= layout.size() || inFlightWritable[(int) id] < 0) {
                throw violation(String.format("used ring slot %d names descriptor %d, which heads no request in flight",
                        slot, id));
            }
            int head = (int) id;
            if (length > inFlightWritable[head]) {
                throw violation(String.format("used ring slot %d says %d bytes were written to descriptor %d's chain, "
                        + "which has only %d writable bytes", slot, length, head, inFlightWritable[head]));
            }
            freeChain(head);
            completed.put(head, new UsedElement(head, (int) length));
            lastUsedIndex = (lastUsedIndex + 1) & 0xffff;
        }
        return fresh;
    }

    /** The completion of the chain headed by {@code head}, if it has been collected; removes it. */
    public Optional<UsedElement> takeCompletion(int head) {
        return Optional.ofNullable(completed.remove(head));
    }

    /** Ids of the heads of every chain still in flight. */
    public List<Integer> inFlightHeads() {
        List<Integer> heads = new ArrayList<>();
        for (int i = 0; i < inFlightWritable.length; i++) {
            if (inFlightWritable[i] >= 0) {
                heads.add(i);
            }
        }
        return heads;
    }

    private void freeChain(int head) {
        // The driver's own copy of the links is walked; the descriptor table in guest memory is
        // never trusted for this.
        int length = chainLength[head];
        int[] ids = chainIds(head, length);
        for (int i = length - 1; i >= 0; i--) {
            nextFree[ids[i]] = freeHead;
            freeHead = ids[i];
        }
        freeCount += length;
        inFlightWritable[head] = -1;
        chainLength[head] = 0;
        inFlightCount--;
    }

    private int[] chainIds(int head, int length) {
        int[] ids = new int[length];
        ids[0] = head;
        for (int i = 1; i < length; i++) {
            ids[i] = chainNext[ids[i - 1]];
        }
        return ids;
    }

    private BlockDeviceException violation(String detail) {
        return BlockDeviceException.of(ErrorKind.PROTOCOL_VIOLATION, "queue " + index + ": " + detail)
                .device(owner).build();
    }
}
