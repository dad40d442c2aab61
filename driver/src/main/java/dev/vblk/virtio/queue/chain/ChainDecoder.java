package dev.vblk.virtio.queue.chain;

import dev.vblk.platform.LittleEndian;
import dev.vblk.virtio.spec.DescriptorLayout;
import dev.vblk.virtio.spec.QueueSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decodes descriptor chains of one virtqueue from guest memory, split (VirtIO 1.1 section 2.6.5)
 * or packed (section 2.7): follows NEXT links and, when allowed, one indirect table (2.6.5.3,
 * 2.7.5), and rejects what a device must not accept.
 *
 * <p>A split chain is zero or more direct descriptors, optionally ending in one indirect descriptor
 * whose table of {@code len / 16} descriptors is walked from index 0 by its own NEXT links. A packed
 * chain is the descriptors at consecutive ring positions (wrapping at the ring's end) while NEXT is
 * set, each marked available in its lap, with the buffer id in its last descriptor; an indirect
 * descriptor's table of {@code len / 16} packed descriptors is used whole, in order, only their
 * WRITE flags counting. Rejected, with a {@link MalformedChainException}: indices beyond their
 * table, more descriptors than the table or ring holds (a loop), packed descriptors not marked
 * available, indirect descriptors not negotiated, nested or combined with NEXT, indirect tables of
 * zero or a non-multiple of 16 bytes, empty buffers, buffers or tables outside
 * {@link GuestMemoryReader#contains guest memory}, and readable buffers after writable ones.
 */
public final class ChainDecoder {

    /** Bytes of one descriptor, {@link DescriptorLayout#BYTES}. */
    public static final int DESCRIPTOR_SIZE = DescriptorLayout.BYTES;

    /** NEXT is 16 bits wide, so no table has more reachable descriptors than this. */
    private static final int MAX_REACHABLE = 0x10000;
    /** How errors name a descriptor of a packed ring, followed by its position. */
    private static final String PACKED = "packed descriptor ";

    private final GuestMemoryReader memory;
    private final long table;
    private final int queueSize;
    private final boolean indirectAllowed;

    /**
     * A decoder for the descriptor table at {@code table} of a queue of {@code queueSize} entries.
     *
     * @param indirectAllowed whether VIRTIO_F_INDIRECT_DESC was negotiated
     */
    public ChainDecoder(GuestMemoryReader memory, long table, int queueSize, boolean indirectAllowed) {
        this.memory = Objects.requireNonNull(memory, "memory");
        if (queueSize < 1 || queueSize > QueueSize.MAX) {
            throw new IllegalArgumentException("queue size must be 1 to " + QueueSize.MAX + ": " + queueSize);
        }
        this.table = table;
        this.queueSize = queueSize;
        this.indirectAllowed = indirectAllowed;
    }

    /** The chain whose head is descriptor {@code head}; throws {@link MalformedChainException}. */
    public DecodedChain decode(int head) {
        if (head < 0 || head >= queueSize) {
            throw new MalformedChainException(table, ChainDefect.HEAD_OUT_OF_RANGE, "available ring names descriptor "
                    + head + " but the queue has " + queueSize);
        }
        Buffers buffers = new Buffers();
        long current = table;
        int tableSize = queueSize;
        int index = head;
        int seen = 0;
        int ringDescriptors = 0;
        boolean indirect = false;
        while (true) {
            if (++seen > Math.min(tableSize, MAX_REACHABLE)) {
                throw new MalformedChainException(current, ChainDefect.LOOP, "descriptor chain from head " + head
                        + " is longer than its table of " + tableSize + " (a loop)");
            }
            if (!indirect) {
                ringDescriptors++;
            }
            long at = current + DescriptorLayout.offset(index);
            byte[] raw = memory.read(at, DESCRIPTOR_SIZE);
            long address = LittleEndian.get(raw, DescriptorLayout.ADDRESS_OFFSET, 8);
            long length = LittleEndian.get(raw, DescriptorLayout.LENGTH_OFFSET, 4);
            int flags = (int) LittleEndian.get(raw, DescriptorLayout.SPLIT_FLAGS_OFFSET, 2);
            int next = (int) LittleEndian.get(raw, DescriptorLayout.SPLIT_NEXT_OFFSET, 2);
            // Named only in an error: a well-formed chain makes no strings.
            String kind = indirect ? "indirect descriptor " : "descriptor ";
            if ((flags & DescriptorLayout.F_INDIRECT) != 0) {
                requireIndirectAllowed(at, flags, length, indirect);
                requireMemory(at, address, length, "indirect descriptor table of ", kind, index);
                current = address;
                tableSize = (int) (length / DESCRIPTOR_SIZE);
                index = 0;
                seen = 0;
                indirect = true;
                continue;
            }
            buffers.add(at, address, length, (flags & DescriptorLayout.F_WRITE) != 0, kind, index);
            if ((flags & DescriptorLayout.F_NEXT) == 0) {
                return new DecodedChain(head, buffers.segments, indirect, ringDescriptors);
            }
            if (next >= tableSize) {
                throw new MalformedChainException(at, ChainDefect.NEXT_OUT_OF_RANGE, kind + index + " chains to " + next
                        + " beyond its table of " + tableSize);
            }
            index = next;
        }
    }

    /**
     * The packed chain whose first descriptor is at ring position {@code position} of a lap whose
     * driver wrap counter is {@code wrap} (the table given at construction being the descriptor
     * ring); its {@link DecodedChain#head()} is the buffer id. Throws {@link MalformedChainException}.
     */
    public DecodedChain decodePacked(int position, boolean wrap) {
        if (position < 0 || position >= queueSize) {
            throw new MalformedChainException(table, ChainDefect.HEAD_OUT_OF_RANGE, "packed ring position "
                    + position + " but the ring has " + queueSize);
        }
        Buffers buffers = new Buffers();
        int at = position;
        boolean lap = wrap;
        for (int taken = 1; ; taken++) {
            if (taken > queueSize) {
                throw new MalformedChainException(table, ChainDefect.LOOP, "packed chain from position " + position
                        + " is longer than its ring of " + queueSize + " (a loop)");
            }
            long address = table + DescriptorLayout.offset(at);
            byte[] raw = memory.read(address, DESCRIPTOR_SIZE);
            long buffer = LittleEndian.get(raw, DescriptorLayout.ADDRESS_OFFSET, 8);
            long length = LittleEndian.get(raw, DescriptorLayout.LENGTH_OFFSET, 4);
            int id = (int) LittleEndian.get(raw, DescriptorLayout.PACKED_ID_OFFSET, 2);
            int flags = (int) LittleEndian.get(raw, DescriptorLayout.PACKED_FLAGS_OFFSET, 2);
            if (!DescriptorLayout.isAvailable(flags, lap)) {
                throw new MalformedChainException(address, ChainDefect.NOT_AVAILABLE, PACKED + at
                        + " continues a chain but is not marked available");
            }
            if ((flags & DescriptorLayout.F_INDIRECT) != 0) {
                requireIndirectAllowed(address, flags, length, false);
                requireMemory(address, buffer, length, "indirect descriptor table of ", PACKED, at);
                for (int i = 0; i < length / DESCRIPTOR_SIZE; i++) {
                    long entry = buffer + DescriptorLayout.offset(i);
                    byte[] inner = memory.read(entry, DESCRIPTOR_SIZE);
                    buffers.add(entry, LittleEndian.get(inner, DescriptorLayout.ADDRESS_OFFSET, 8),
                            LittleEndian.get(inner, DescriptorLayout.LENGTH_OFFSET, 4),
                            (LittleEndian.get(inner, DescriptorLayout.PACKED_FLAGS_OFFSET, 2) & DescriptorLayout.F_WRITE) != 0,
                            "indirect descriptor ", i);
                }
                return new DecodedChain(id, buffers.segments, true, taken);
            }
            buffers.add(address, buffer, length, (flags & DescriptorLayout.F_WRITE) != 0, PACKED, at);
            if ((flags & DescriptorLayout.F_NEXT) == 0) {
                return new DecodedChain(id, buffers.segments, false, taken);
            }
            if (++at == queueSize) {
                at = 0;
                lap = !lap;
            }
        }
    }

    /** The buffers of a chain being decoded, checked as they come. */
    private final class Buffers {
        final List<ChainSegment> segments = new ArrayList<>();
        boolean writableSeen;

        /** Adds the buffer of descriptor {@code index}, a {@code kind} ("descriptor ", ...) named only in an error. */
        void add(long at, long address, long length, boolean writable, String kind, int index) {
            if (length == 0) {
                throw new MalformedChainException(at, ChainDefect.EMPTY_BUFFER, "zero-sized buffer in " + kind + index);
            }
            requireMemory(at, address, length, "buffer of ", kind, index);
            if (!writable && writableSeen) {
                throw new MalformedChainException(at, ChainDefect.READABLE_AFTER_WRITABLE, "device-readable " + kind + index
                        + " after a device-writable one");
            }
            writableSeen |= writable;
            segments.add(new ChainSegment(address, length, writable));
        }
    }

    private void requireIndirectAllowed(long at, int flags, long length, boolean inIndirectTable) {
        if (!indirectAllowed) {
            throw new MalformedChainException(at, ChainDefect.INDIRECT_NOT_NEGOTIATED,
                    "indirect descriptor without VIRTIO_F_INDIRECT_DESC");
        }
        if (inIndirectTable) {
            throw new MalformedChainException(at, ChainDefect.NESTED_INDIRECT,
                    "indirect descriptor inside an indirect table");
        }
        if ((flags & DescriptorLayout.F_NEXT) != 0) {
            throw new MalformedChainException(at, ChainDefect.INDIRECT_WITH_NEXT, "indirect descriptor with NEXT set");
        }
        if (length == 0 || length % DESCRIPTOR_SIZE != 0) {
            throw new MalformedChainException(at, ChainDefect.BAD_INDIRECT_LENGTH, "indirect table of " + length
                    + " bytes, not a positive multiple of " + DESCRIPTOR_SIZE);
        }
    }

    private void requireMemory(long at, long address, long length, String what, String kind, int index) {
        if (!memory.contains(address, length)) {
            throw new MalformedChainException(at, ChainDefect.OUTSIDE_MEMORY, String.format(
                    "%s%s%d at 0x%x (%d bytes) is outside guest RAM", what, kind, index, address, length));
        }
    }
}
