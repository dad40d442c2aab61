package dev.vblk.virtio.queue;

import static dev.vblk.virtio.queue.PackedVirtqueueLayout.DESCRIPTOR_SIZE;

import dev.vblk.platform.LittleEndian;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.VirtioException;
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
 */
public final class PackedVirtqueue implements Virtqueue {

    private final Platform platform;
    private final int index;
    private final PackedVirtqueueLayout layout;
    private final String owner;
    private final QueueMemory memory;
    private final long ring;
    private final long driverEvent;
    private final long deviceEvent;
    private final boolean indirect;
    private final boolean eventIndex;

    /** Buffer ids not in flight, used as a stack. */
    private final int[] freeIds;
    private int freeIdCount;
    /** For each buffer id in flight: its chain's device-writable byte count; -1 otherwise. */
    private final long[] inFlightWritable;
    /** For each buffer id in flight: ring descriptors its chain takes. */
    private final int[] chainLength;
    private int inFlightCount;
    /** A violation met after chains that were returned correctly: thrown by the next {@link #collectUsed()}. */
    private final DeferredViolation deferredViolation = new DeferredViolation();
    private int freeCount;
    private int nextAvail;
    private boolean availWrap = true;
    private int lastUsed;
    private boolean usedWrap = true;
    /** Ring descriptors made available since the device was last notified. */
    private int addedSinceNotify;

    private PackedVirtqueue(Platform platform, int index, PackedVirtqueueLayout layout, String owner,
            QueueMemory memory, boolean indirect, boolean eventIndex) {
        this.platform = platform;
        this.index = index;
        this.layout = layout;
        this.owner = owner;
        this.memory = memory;
        this.ring = memory.part(0);
        this.driverEvent = memory.part(1);
        this.deviceEvent = memory.part(2);
        this.indirect = indirect;
        this.eventIndex = eventIndex;
        int size = layout.size();
        this.freeIds = new int[size];
        for (int i = 0; i < size; i++) {
            freeIds[i] = size - 1 - i;
        }
        this.freeIdCount = size;
        this.inFlightWritable = new long[size];
        Arrays.fill(inFlightWritable, -1);
        this.chainLength = new int[size];
        this.freeCount = size;
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
        PackedVirtqueueLayout layout = new PackedVirtqueueLayout(size);
        QueueMemory memory = QueueMemory.allocate(platform, owner, index, size,
                new int[] {0, layout.driverEventOffset(), layout.deviceEventOffset()},
                new int[] {layout.descriptorRingBytes(), PackedVirtqueueLayout.EVENT_SIZE, PackedVirtqueueLayout.EVENT_SIZE},
                layout.totalBytes());
        return new PackedVirtqueue(platform, index, layout, owner, memory, indirect, eventIndex);
    }

    @Override
    public void release() {
        memory.release();
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public int size() {
        return layout.size();
    }

    @Override
    public long descriptorArea() {
        return ring;
    }

    /** The driver event suppression structure. */
    @Override
    public long driverArea() {
        return driverEvent;
    }

    /** The device event suppression structure. */
    @Override
    public long deviceArea() {
        return deviceEvent;
    }

    @Override
    public boolean indirect() {
        return indirect;
    }

    @Override
    public int freeDescriptors() {
        return freeCount;
    }

    @Override
    public int inFlight() {
        return inFlightCount;
    }

    @Override
    public int submit(List<BufferSegment> chain, long indirectTable) {
        int needed = descriptorsFor(chain.size());
        if (chain.isEmpty() || needed > freeCount || chain.size() > layout.size()) {
            throw new IllegalStateException("chain of " + chain.size() + " descriptors, " + freeCount + " free");
        }
        long writable = BufferSegment.writableBytes(chain);
        int id = freeIds[--freeIdCount];
        int head = nextAvail;
        boolean headWrap = availWrap;
        int headFlags;
        if (needed == 1 && chain.size() > 1) {
            byte[] table = new byte[chain.size() * DESCRIPTOR_SIZE];
            for (int i = 0; i < chain.size(); i++) {
                encode(table, i * DESCRIPTOR_SIZE, chain.get(i), 0, chain.get(i).deviceWritable()
                        ? PackedVirtqueueLayout.F_WRITE : 0);
            }
            platform.writeMemory(indirectTable, table);
            headFlags = PackedVirtqueueLayout.F_INDIRECT;
            writeBody(head, new BufferSegment(indirectTable, table.length, false), id);
            advanceAvail(1);
        } else {
            headFlags = flags(chain.get(0), chain.size() > 1);
            writeBody(head, chain.get(0), id);
            advanceAvail(1);
            for (int i = 1; i < chain.size(); i++) {
                byte[] descriptor = new byte[DESCRIPTOR_SIZE];
                encode(descriptor, 0, chain.get(i), id, flags(chain.get(i), i + 1 < chain.size())
                        | PackedVirtqueueLayout.availableFlags(availWrap));
                platform.writeMemory(ring + PackedVirtqueueLayout.descriptorOffset(nextAvail), descriptor);
                advanceAvail(1);
            }
        }
        // The head's flags go last: they make the whole chain available at once.
        platform.writeU16(ring + PackedVirtqueueLayout.descriptorOffset(head) + PackedVirtqueueLayout.FLAGS_OFFSET,
                headFlags | PackedVirtqueueLayout.availableFlags(headWrap));
        inFlightWritable[id] = writable;
        chainLength[id] = needed;
        inFlightCount++;
        freeCount -= needed;
        addedSinceNotify += needed;
        return id;
    }

    private static int flags(BufferSegment segment, boolean next) {
        return (next ? PackedVirtqueueLayout.F_NEXT : 0) | (segment.deviceWritable() ? PackedVirtqueueLayout.F_WRITE : 0);
    }

    /** Writes address, length and buffer id of ring descriptor {@code position}, not its flags. */
    private void writeBody(int position, BufferSegment segment, int id) {
        byte[] body = new byte[PackedVirtqueueLayout.FLAGS_OFFSET];
        LittleEndian.put(body, 0, 8, segment.address());
        LittleEndian.put(body, PackedVirtqueueLayout.LENGTH_OFFSET, 4, segment.length());
        LittleEndian.put(body, PackedVirtqueueLayout.ID_OFFSET, 2, id);
        platform.writeMemory(ring + PackedVirtqueueLayout.descriptorOffset(position), body);
    }

    private static void encode(byte[] table, int offset, BufferSegment segment, int id, int flags) {
        LittleEndian.put(table, offset, 8, segment.address());
        LittleEndian.put(table, offset + PackedVirtqueueLayout.LENGTH_OFFSET, 4, segment.length());
        LittleEndian.put(table, offset + PackedVirtqueueLayout.ID_OFFSET, 2, id);
        LittleEndian.put(table, offset + PackedVirtqueueLayout.FLAGS_OFFSET, 2, flags);
    }

    private void advanceAvail(int count) {
        nextAvail += count;
        if (nextAvail >= layout.size()) {
            nextAvail -= layout.size();
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
        if (!eventIndex || added >= layout.size()) {
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
        int wanted = wrap == availWrap ? position : position - layout.size();
        return nextAvail - added <= wanted && wanted < nextAvail;
    }

    @Override
    public boolean enableUsedNotification() {
        if (!eventIndex) {
            return false;
        }
        platform.writeU32(driverEvent, PackedVirtqueueLayout.offWrap(lastUsed, usedWrap)
                | ((long) PackedVirtqueueLayout.EVENT_DESC << 16));
        return PackedVirtqueueLayout.isUsed(readFlags(lastUsed), usedWrap);
    }

    @Override
    public List<UsedElement> collectUsed() {
        deferredViolation.throwIfPending();
        List<UsedElement> returned = new ArrayList<>();
        while (true) {
            int flags = readFlags(lastUsed);
            if (!PackedVirtqueueLayout.isUsed(flags, usedWrap)) {
                if (inFlightCount == 0 || PackedVirtqueueLayout.isAvailable(flags, usedWrap)) {
                    break;
                }
                // A position in flight was made available in this lap: only the device can have
                // changed it, and a correct device marks it used in the same lap.
                return deferredViolation.deferOrThrow(returned, violation(String.format("descriptor at ring position %d, in flight, "
                        + "has flags 0x%04x, neither available nor used in this lap: the device's used position "
                        + "ran past the driver's", lastUsed, flags)));
            }
            byte[] lengthAndId = platform.readMemory(ring + PackedVirtqueueLayout.descriptorOffset(lastUsed)
                    + PackedVirtqueueLayout.LENGTH_OFFSET, 6);
            long length = LittleEndian.get(lengthAndId, 0, 4);
            int id = (int) LittleEndian.get(lengthAndId, 4, 2);
            VirtioException broken = null;
            if (id >= layout.size() || inFlightWritable[id] < 0) {
                broken = violation(String.format("used descriptor at ring position %d names buffer %d, "
                        + "which is no request in flight", lastUsed, id));
            } else if (length > inFlightWritable[id]) {
                broken = violation(String.format("used descriptor at ring position %d says %d bytes were written to "
                        + "buffer %d, which has only %d writable bytes", lastUsed, length, id, inFlightWritable[id]));
            }
            if (broken != null) {
                return deferredViolation.deferOrThrow(returned, broken);
            }
            lastUsed += chainLength[id];
            if (lastUsed >= layout.size()) {
                lastUsed -= layout.size();
                usedWrap = !usedWrap;
            }
            freeCount += chainLength[id];
            inFlightWritable[id] = -1;
            chainLength[id] = 0;
            freeIds[freeIdCount++] = id;
            inFlightCount--;
            returned.add(new UsedElement(id, (int) length));
        }
        return returned;
    }


    @Override
    public boolean violationPending() {
        return deferredViolation.pending();
    }

    private int readFlags(int position) {
        return platform.readU16(ring + PackedVirtqueueLayout.descriptorOffset(position)
                + PackedVirtqueueLayout.FLAGS_OFFSET);
    }

    private VirtioException violation(String detail) {
        return new VirtioException(VirtioException.Kind.PROTOCOL_VIOLATION, owner, "queue " + index + ": " + detail);
    }
}
