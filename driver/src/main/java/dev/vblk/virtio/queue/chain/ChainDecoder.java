package dev.vblk.virtio.queue.chain;

import dev.vblk.platform.LittleEndian;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Decodes descriptor chains of one split virtqueue's descriptor table from guest memory (VirtIO 1.1
 * section 2.6.5): follows NEXT links and, when allowed, one indirect table (2.6.5.3), and rejects
 * what a device must not accept.
 *
 * <p>A chain is zero or more direct descriptors, optionally ending in one indirect descriptor whose
 * table of {@code len / 16} descriptors is walked from index 0 by its own NEXT links. Rejected, with
 * a {@link MalformedChainException}: indices beyond their table, more descriptors than the table
 * holds (a loop), indirect descriptors not negotiated, nested or combined with NEXT, indirect tables
 * of zero or a non-multiple of 16 bytes, empty buffers, buffers or tables outside
 * {@link GuestMemoryReader#contains guest memory}, and readable buffers after writable ones.
 */
public final class ChainDecoder {

    /** Bytes of one descriptor: le64 addr, le32 len, le16 flags, le16 next. */
    public static final int DESCRIPTOR_SIZE = 16;

    private static final int F_NEXT = 1;
    private static final int F_WRITE = 2;
    private static final int F_INDIRECT = 4;
    /** NEXT is 16 bits wide, so no table has more reachable descriptors than this. */
    private static final int MAX_REACHABLE = 0x10000;

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
        if (queueSize < 1 || queueSize > 0x8000) {
            throw new IllegalArgumentException("queue size must be 1 to 32768: " + queueSize);
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
        List<ChainSegment> segments = new ArrayList<>();
        boolean writableSeen = false;
        long current = table;
        int tableSize = queueSize;
        int index = head;
        int seen = 0;
        boolean indirect = false;
        while (true) {
            if (++seen > Math.min(tableSize, MAX_REACHABLE)) {
                throw new MalformedChainException(current, ChainDefect.LOOP, "descriptor chain from head " + head
                        + " is longer than its table of " + tableSize + " (a loop)");
            }
            long at = current + (long) DESCRIPTOR_SIZE * index;
            byte[] raw = memory.read(at, DESCRIPTOR_SIZE);
            long address = LittleEndian.get(raw, 0, 8);
            long length = LittleEndian.get(raw, 8, 4);
            int flags = (int) LittleEndian.get(raw, 12, 2);
            int next = (int) LittleEndian.get(raw, 14, 2);
            String where = (indirect ? "indirect descriptor " : "descriptor ") + index;
            if ((flags & F_INDIRECT) != 0) {
                requireIndirectAllowed(at, flags, length, indirect);
                requireMemory(at, address, length, "indirect descriptor table of " + where);
                current = address;
                tableSize = (int) (length / DESCRIPTOR_SIZE);
                index = 0;
                seen = 0;
                indirect = true;
                continue;
            }
            if (length == 0) {
                throw new MalformedChainException(at, ChainDefect.EMPTY_BUFFER, "zero-sized buffer in " + where);
            }
            requireMemory(at, address, length, "buffer of " + where);
            boolean writable = (flags & F_WRITE) != 0;
            if (!writable && writableSeen) {
                throw new MalformedChainException(at, ChainDefect.READABLE_AFTER_WRITABLE, "device-readable " + where
                        + " after a device-writable one");
            }
            writableSeen |= writable;
            segments.add(new ChainSegment(address, length, writable));
            if ((flags & F_NEXT) == 0) {
                return new DecodedChain(head, segments, indirect);
            }
            if (next >= tableSize) {
                throw new MalformedChainException(at, ChainDefect.NEXT_OUT_OF_RANGE, where + " chains to " + next
                        + " beyond its table of " + tableSize);
            }
            index = next;
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
        if ((flags & F_NEXT) != 0) {
            throw new MalformedChainException(at, ChainDefect.INDIRECT_WITH_NEXT, "indirect descriptor with NEXT set");
        }
        if (length == 0 || length % DESCRIPTOR_SIZE != 0) {
            throw new MalformedChainException(at, ChainDefect.BAD_INDIRECT_LENGTH, "indirect table of " + length
                    + " bytes, not a positive multiple of " + DESCRIPTOR_SIZE);
        }
    }

    private void requireMemory(long at, long address, long length, String what) {
        if (!memory.contains(address, length)) {
            throw new MalformedChainException(at, ChainDefect.OUTSIDE_MEMORY, String.format(
                    "%s at 0x%x (%d bytes) is outside guest RAM", what, address, length));
        }
    }
}
