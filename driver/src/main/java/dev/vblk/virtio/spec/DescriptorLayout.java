package dev.vblk.virtio.spec;

import dev.vblk.platform.LittleEndian;

/**
 * The 16-byte virtqueue descriptor (VirtIO 1.1 sections 2.6.5 and 2.7.13), in ring descriptor
 * tables and indirect tables alike, and its flags:
 *
 * <pre>
 *   split    le64 addr | le32 len | le16 flags | le16 next
 *   packed   le64 addr | le32 len | le16 id    | le16 flags
 * </pre>
 *
 * <p>On a packed ring a descriptor is available when its AVAIL flag equals the driver's wrap counter
 * and its USED flag does not, and used when both equal the device's wrap counter.
 */
public final class DescriptorLayout {

    /** Bytes of one descriptor. */
    public static final int BYTES = 16;
    /** Offset of the le64 buffer address. */
    public static final int ADDRESS_OFFSET = 0;
    /** Offset of the le32 buffer length. */
    public static final int LENGTH_OFFSET = 8;
    /** Offset of a split descriptor's le16 flags. */
    public static final int SPLIT_FLAGS_OFFSET = 12;
    /** Offset of a split descriptor's le16 link to the next descriptor of its chain. */
    public static final int SPLIT_NEXT_OFFSET = 14;
    /** Offset of a packed descriptor's le16 buffer id. */
    public static final int PACKED_ID_OFFSET = 12;
    /** Offset of a packed descriptor's le16 flags. */
    public static final int PACKED_FLAGS_OFFSET = 14;

    /** VIRTQ_DESC_F_NEXT: the chain continues (at {@code next}, or at the next packed position). */
    public static final int F_NEXT = 1;
    /** VIRTQ_DESC_F_WRITE: the device writes this buffer; otherwise it reads it. */
    public static final int F_WRITE = 2;
    /** VIRTQ_DESC_F_INDIRECT: the buffer is a table of descriptors (VIRTIO_F_INDIRECT_DESC). */
    public static final int F_INDIRECT = 4;
    /** VIRTQ_DESC_F_AVAIL of a packed descriptor. */
    public static final int F_AVAIL = 1 << 7;
    /** VIRTQ_DESC_F_USED of a packed descriptor. */
    public static final int F_USED = 1 << 15;

    private DescriptorLayout() {}

    /** Offset of descriptor {@code index} from its table's start. */
    public static long offset(int index) {
        return (long) index * BYTES;
    }

    /** Writes a split descriptor at {@code at}. */
    public static void putSplit(byte[] table, int at, long address, int length, int flags, int next) {
        LittleEndian.put(table, at + ADDRESS_OFFSET, 8, address);
        LittleEndian.put(table, at + LENGTH_OFFSET, 4, length);
        LittleEndian.put(table, at + SPLIT_FLAGS_OFFSET, 2, flags);
        LittleEndian.put(table, at + SPLIT_NEXT_OFFSET, 2, next);
    }

    /** Writes a packed descriptor at {@code at}, its flags included. */
    public static void putPacked(byte[] table, int at, long address, int length, int id, int flags) {
        LittleEndian.put(table, at + ADDRESS_OFFSET, 8, address);
        LittleEndian.put(table, at + LENGTH_OFFSET, 4, length);
        LittleEndian.put(table, at + PACKED_ID_OFFSET, 2, id);
        LittleEndian.put(table, at + PACKED_FLAGS_OFFSET, 2, flags);
    }

    /** The AVAIL and USED flags of a packed descriptor the driver makes available in a lap of {@code wrap}. */
    public static int availableFlags(boolean wrap) {
        return wrap ? F_AVAIL : F_USED;
    }

    /** Whether {@code flags} mark a packed descriptor available in a lap of the driver's wrap counter {@code wrap}. */
    public static boolean isAvailable(int flags, boolean wrap) {
        return ((flags & F_AVAIL) != 0) == wrap && ((flags & F_USED) != 0) != wrap;
    }

    /** Whether {@code flags} mark a packed descriptor used in a lap of the device's wrap counter {@code wrap}. */
    public static boolean isUsed(int flags, boolean wrap) {
        return ((flags & F_AVAIL) != 0) == wrap && ((flags & F_USED) != 0) == wrap;
    }
}
