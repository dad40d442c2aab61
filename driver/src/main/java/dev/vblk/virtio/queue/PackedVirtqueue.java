package dev.vblk.virtio.queue;

import dev.vblk.platform.LittleEndian;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.spec.DescriptorLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The packed ring (VirtIO 1.1 section 2.7, VIRTIO_F_RING_PACKED) behind {@link Virtqueue}: chains
 * written into consecutive ring descriptors (or one descriptor referring to an indirect table) and
 * made available by their AVAIL/USED flags under the driver's wrap counter, buffer ids naming the
 * chains, event suppression structures in place of the split ring's flags and event index, and
 * consumption of used descriptors that checks everything the device wrote before believing it.
 *
 * <p>The device writes one used descriptor per chain, in any order, each carrying the chain's buffer
 * id; the driver then skips as many ring positions as that chain took. A used descriptor whose id
 * names no chain in flight, or whose length exceeds the chain's writable bytes, is a protocol
 * violation. Without VIRTIO_F_EVENT_IDX the device is notified of every new chain and always
 * interrupts; with it, notifications follow the device's event suppression structure (disable,
 * enable, or a ring position) and the driver asks for an interrupt at the position it will read next.
 *
 * <p>With VIRTIO_F_IN_ORDER (section 2.7.8) the device may write one used descriptor for a batch, at
 * the batch's first position, carrying the buffer id of its last chain: every chain made available
 * up to that one is taken as used whole, and the driver skips the positions of all of them.
 */
public final class PackedVirtqueue extends RingState {

    private final long ring;
    private final long driverEvent;
    private final long deviceEvent;

    /**
     * Buffer ids the device returned, used as a stack (the last returned is taken first); grown as
     * needed. Ids from {@link #neverUsed} on have not been used yet and are taken in order after them.
     */
    private int[] returnedIds = new int[16];
    private int returnedCount;
    private int neverUsed;
    private int nextAvail;
    private boolean availWrap = true;
    private int lastUsed;
    private boolean usedWrap = true;
    /** Ring descriptors made available since the device was last notified. */
    private int addedSinceNotify;

    private PackedVirtqueue(Platform platform, int index, int size, String owner, QueueMemory memory, boolean indirect,
            boolean eventIndex, boolean inOrder) {
        super(platform, index, size, owner, memory, indirect, eventIndex, inOrder);
        this.ring = descriptorArea();
        this.driverEvent = driverArea();
        this.deviceEvent = deviceArea();
    }

    /**
     * Allocates the queue's memory: one 4 KiB-aligned region when the allocator can give one,
     * otherwise a frame-aligned allocation per part.
     *
     * @param indirect whether VIRTIO_F_INDIRECT_DESC was negotiated and chains may use indirect tables
     * @param eventIndex whether VIRTIO_F_EVENT_IDX was negotiated (RING_EVENT_FLAGS_DESC may be used)
     * @throws VirtioException OUT_OF_MEMORY if the platform refuses the frames
     */
    public static PackedVirtqueue allocate(Platform platform, int index, int size, String owner,
            boolean indirect, boolean eventIndex) {
        return allocate(platform, index, size, owner, indirect, eventIndex, false);
    }

    /**
     * Allocates the queue's memory as {@link #allocate(Platform, int, int, String, boolean, boolean)}
     * does, for a queue with VIRTIO_F_IN_ORDER negotiated or not.
     */
    public static PackedVirtqueue allocate(Platform platform, int index, int size, String owner,
            boolean indirect, boolean eventIndex, boolean inOrder) {
        PackedVirtqueueLayout layout = new PackedVirtqueueLayout(size);
        QueueMemory memory = QueueMemory.allocate(platform, owner, index, size,
                new int[] {0, layout.driverEventOffset(), layout.deviceEventOffset()},
                new int[] {layout.descriptorRingBytes(), PackedVirtqueueLayout.EVENT_SIZE, PackedVirtqueueLayout.EVENT_SIZE},
                layout.totalBytes());
        return new PackedVirtqueue(platform, index, size, owner, memory, indirect, eventIndex, inOrder);
    }

    @Override
    public PackedVirtqueue renew() {
        release();
        return allocate(platform, index(), size(), owner(), indirect(), eventIndex, inOrder);
    }

    @Override
    public int submit(List<BufferSegment> chain, long indirectTable) {
        int needed = descriptorsNeeded(chain);
        long writable = BufferSegment.writableBytes(chain);
        int id = returnedCount > 0 ? returnedIds[--returnedCount] : neverUsed++;
        int head = nextAvail;
        boolean headWrap = availWrap;
        int headFlags;
        if (needed == 1 && chain.size() > 1) {
            byte[] table = new byte[chain.size() * DescriptorLayout.BYTES];
            for (int i = 0; i < chain.size(); i++) {
                BufferSegment segment = chain.get(i);
                DescriptorLayout.putPacked(table, (int) DescriptorLayout.offset(i), segment.address(), segment.length(), 0,
                        segment.deviceWritable() ? DescriptorLayout.F_WRITE : 0);
            }
            platform.writeMemory(indirectTable, table);
            headFlags = DescriptorLayout.F_INDIRECT;
            writeBody(head, new BufferSegment(indirectTable, table.length, false), id);
            advanceAvail();
        } else {
            headFlags = flags(chain.get(0), chain.size() > 1);
            writeBody(head, chain.get(0), id);
            advanceAvail();
            for (int i = 1; i < chain.size(); i++) {
                BufferSegment segment = chain.get(i);
                byte[] descriptor = new byte[DescriptorLayout.BYTES];
                DescriptorLayout.putPacked(descriptor, 0, segment.address(), segment.length(), id,
                        flags(segment, i + 1 < chain.size()) | DescriptorLayout.availableFlags(availWrap));
                platform.writeMemory(ring + DescriptorLayout.offset(nextAvail), descriptor);
                advanceAvail();
            }
        }
        // The head's flags go last: they make the whole chain available at once.
        platform.writeU16(ring + DescriptorLayout.offset(head) + DescriptorLayout.PACKED_FLAGS_OFFSET,
                headFlags | DescriptorLayout.availableFlags(headWrap));
        track(id, writable, needed);
        addedSinceNotify += needed;
        return id;
    }

    private static int flags(BufferSegment segment, boolean next) {
        return (next ? DescriptorLayout.F_NEXT : 0) | (segment.deviceWritable() ? DescriptorLayout.F_WRITE : 0);
    }

    /** Writes address, length and buffer id of ring descriptor {@code position}, not its flags. */
    private void writeBody(int position, BufferSegment segment, int id) {
        byte[] body = new byte[DescriptorLayout.PACKED_FLAGS_OFFSET];
        LittleEndian.put(body, DescriptorLayout.ADDRESS_OFFSET, 8, segment.address());
        LittleEndian.put(body, DescriptorLayout.LENGTH_OFFSET, 4, segment.length());
        LittleEndian.put(body, DescriptorLayout.PACKED_ID_OFFSET, 2, id);
        platform.writeMemory(ring + DescriptorLayout.offset(position), body);
    }

    private void advanceAvail() {
        if (++nextAvail == size()) {
            nextAvail = 0;
            availWrap = !availWrap;
        }
    }

    @Override
    public boolean notificationNeeded() {
        int added = addedSinceNotify;
        addedSinceNotify = 0;
        if (added == 0) {
            return false;
        }
        if (!eventIndex || added >= size()) {
            return true;
        }
        long event = platform.readU32(deviceEvent);
        int flags = (int) (event >>> 16);
        if (flags == PackedVirtqueueLayout.EVENT_DISABLE) {
            return false;
        }
        if (flags != PackedVirtqueueLayout.EVENT_DESC) {
            return true;
        }
        int offWrap = (int) (event & 0xffff);
        int position = offWrap & ~PackedVirtqueueLayout.WRAP_BIT;
        boolean wrap = (offWrap & PackedVirtqueueLayout.WRAP_BIT) != 0;
        // Positions of this lap count from 0, the previous lap's from -size.
        int wanted = wrap == availWrap ? position : position - size();
        return nextAvail - added <= wanted && wanted < nextAvail;
    }

    @Override
    public long notificationData() {
        return index() | (long) PackedVirtqueueLayout.offWrap(nextAvail, availWrap) << 16;
    }

    @Override
    public boolean enableUsedNotification() {
        if (!eventIndex) {
            return false;
        }
        platform.writeU32(driverEvent, PackedVirtqueueLayout.offWrap(lastUsed, usedWrap)
                | ((long) PackedVirtqueueLayout.EVENT_DESC << 16));
        return DescriptorLayout.isUsed(readFlags(lastUsed), usedWrap);
    }

    @Override
    public List<UsedElement> collectUsed() {
        deferredViolation.throwIfPending();
        List<UsedElement> returned = new ArrayList<>();
        while (true) {
            int flags = readFlags(lastUsed);
            if (!DescriptorLayout.isUsed(flags, usedWrap)) {
                if (inFlight() == 0 || DescriptorLayout.isAvailable(flags, usedWrap)) {
                    break;
                }
                // A position in flight was made available in this lap: only the device can have
                // changed it, and a correct device marks it used in the same lap.
                return deferredViolation.deferOrThrow(returned, violation(String.format("descriptor at ring position %d, in flight, "
                        + "has flags 0x%04x, neither available nor used in this lap: the device's used position "
                        + "ran past the driver's", lastUsed, flags)));
            }
            byte[] lengthAndId = platform.readMemory(ring + DescriptorLayout.offset(lastUsed)
                    + DescriptorLayout.LENGTH_OFFSET, DescriptorLayout.PACKED_FLAGS_OFFSET - DescriptorLayout.LENGTH_OFFSET);
            long length = LittleEndian.get(lengthAndId, 0, 4);
            int id = (int) LittleEndian.get(lengthAndId, DescriptorLayout.PACKED_ID_OFFSET - DescriptorLayout.LENGTH_OFFSET, 2);
            VirtioException broken = null;
            if (!isInFlight(id)) {
                broken = violation("used descriptor at ring position " + lastUsed + " names buffer " + id
                        + ", which is no request in flight");
            } else if (length > writable(id)) {
                broken = violation("used descriptor at ring position " + lastUsed + " says " + length
                        + " bytes were written to buffer " + id + ", which has only " + writable(id) + " writable bytes");
            }
            if (broken != null) {
                return deferredViolation.deferOrThrow(returned, broken);
            }
            for (int n = inOrder ? inOrderBatch(id, inFlight()) : 1; n > 0; n--) {
                int token = inOrder ? oldestToken() : id;
                returned.add(batchMember(token, id, length));
                lastUsed += untrack(token);
                if (lastUsed >= size()) {
                    lastUsed -= size();
                    usedWrap = !usedWrap;
                }
                if (returnedCount == returnedIds.length) {
                    returnedIds = Arrays.copyOf(returnedIds, 2 * returnedCount);
                }
                returnedIds[returnedCount++] = token;
            }
        }
        return returned;
    }

    private int readFlags(int position) {
        return platform.readU16(ring + DescriptorLayout.offset(position) + DescriptorLayout.PACKED_FLAGS_OFFSET);
    }
}
