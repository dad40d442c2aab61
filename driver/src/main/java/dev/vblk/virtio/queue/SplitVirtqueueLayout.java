package dev.vblk.virtio.queue;

/**
 * Sizes and offsets of the three parts of a split virtqueue of {@code size} entries (VirtIO 1.1
 * section 2.6), laid out one after the other in one region:
 *
 * <pre>
 *   0                 descriptor table   size x 16 bytes, 16-byte aligned
 *                       le64 addr | le32 len | le16 flags | le16 next
 *   availableOffset   available ring     le16 flags | le16 idx | le16 ring[size] | le16 used_event
 *   usedOffset        used ring          le16 flags | le16 idx | {le32 id, le32 len}[size] | le16 avail_event
 *                                        (4-byte aligned)
 * </pre>
 *
 * @param size number of descriptors, a power of two
 */
public record SplitVirtqueueLayout(int size) {

    public static final int DESCRIPTOR_SIZE = 16;
    public static final int USED_ELEMENT_SIZE = 8;
    /** Descriptor flag: the chain continues at {@code next}. */
    public static final int F_NEXT = 1;
    /** Descriptor flag: the device writes this buffer. */
    public static final int F_WRITE = 2;
    /** Descriptor flag: the buffer is a table of descriptors (VIRTIO_F_INDIRECT_DESC). */
    public static final int F_INDIRECT = 4;

    public SplitVirtqueueLayout {
        if (size <= 0 || Integer.bitCount(size) != 1 || size > 32768) {
            throw new IllegalArgumentException("queue size must be a power of two up to 32768: " + size);
        }
    }

    public int descriptorTableBytes() {
        return DESCRIPTOR_SIZE * size;
    }

    public int availableRingBytes() {
        return 6 + 2 * size;
    }

    public int usedRingBytes() {
        return 6 + USED_ELEMENT_SIZE * size;
    }

    public int availableOffset() {
        return descriptorTableBytes();
    }

    public int usedOffset() {
        return (availableOffset() + availableRingBytes() + 3) & ~3;
    }

    /** Bytes of the whole region when the three parts share one. */
    public int totalBytes() {
        return usedOffset() + usedRingBytes();
    }

    /** Offset of descriptor {@code index} from the table's start. */
    public static long descriptorOffset(int index) {
        return (long) index * DESCRIPTOR_SIZE;
    }

    /** Offset of the available ring's {@code idx} field. */
    public static int availableIndexOffset() {
        return 2;
    }

    /** Offset of available ring slot {@code slot} from the ring's start. */
    public static int availableSlotOffset(int slot) {
        return 4 + 2 * slot;
    }

    /** Offset of the available ring's {@code used_event} field in a queue of {@code size} entries. */
    public static int usedEventOffset(int size) {
        return 4 + 2 * size;
    }

    /** Offset of the used ring's {@code avail_event} field in a queue of {@code size} entries. */
    public static int availEventOffset(int size) {
        return 4 + USED_ELEMENT_SIZE * size;
    }

    /** Offset of the used ring's {@code idx} field. */
    public static int usedIndexOffset() {
        return 2;
    }

    /** Offset of used ring element {@code slot} from the ring's start. */
    public static int usedSlotOffset(int slot) {
        return 4 + USED_ELEMENT_SIZE * slot;
    }
}
