package dev.vblk.virtio.queue;

import dev.vblk.virtio.spec.DescriptorLayout;
import dev.vblk.virtio.spec.QueueSize;

/**
 * Sizes and offsets of the three parts of a split virtqueue of {@code size} entries (VirtIO 1.1
 * section 2.6), laid out one after the other in one region:
 *
 * <pre>
 *   0                 descriptor table   size x 16 bytes, 16-byte aligned ({@link DescriptorLayout}, split)
 *   availableOffset   available ring     le16 flags | le16 idx | le16 ring[size] | le16 used_event
 *   usedOffset        used ring          le16 flags | le16 idx | {le32 id, le32 len}[size] | le16 avail_event
 *                                        (4-byte aligned)
 * </pre>
 *
 * @param size number of descriptors, a power of two
 */
public record SplitVirtqueueLayout(int size) {

    /** Bytes of one used ring element. */
    public static final int USED_ELEMENT_SIZE = 8;

    public SplitVirtqueueLayout {
        QueueSize.requirePowerOfTwo(size);
    }

    public int descriptorTableBytes() {
        return DescriptorLayout.BYTES * size;
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
        return DescriptorLayout.offset(index);
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
