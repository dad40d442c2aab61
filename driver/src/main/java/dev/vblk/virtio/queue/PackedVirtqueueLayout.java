package dev.vblk.virtio.queue;

/**
 * Sizes, offsets and flags of a packed virtqueue of {@code size} entries (VirtIO 1.1 section 2.7),
 * laid out one part after the other in one region:
 *
 * <pre>
 *   0                    descriptor ring            size x 16 bytes, 16-byte aligned
 *                          le64 addr | le32 len | le16 id | le16 flags
 *   driverEventOffset    driver event suppression   le16 off_wrap | le16 flags  (the driver writes it)
 *   deviceEventOffset    device event suppression   le16 off_wrap | le16 flags  (the device writes it)
 * </pre>
 *
 * <p>A descriptor is available when its AVAIL flag equals the driver's wrap counter and its USED flag
 * does not; used when both equal the device's wrap counter. off_wrap holds a ring position in bits 0
 * to 14 and a wrap counter in bit 15.
 *
 * @param size number of descriptors, a power of two
 */
public record PackedVirtqueueLayout(int size) {

    public static final int DESCRIPTOR_SIZE = 16;
    /** Bytes of one event suppression structure. */
    public static final int EVENT_SIZE = 4;
    /** Offset of a descriptor's le32 len field. */
    public static final int LENGTH_OFFSET = 8;
    /** Offset of a descriptor's le16 buffer id field. */
    public static final int ID_OFFSET = 12;
    /** Offset of a descriptor's le16 flags field. */
    public static final int FLAGS_OFFSET = 14;
    /** Descriptor flag: the buffer continues in the next descriptor. */
    public static final int F_NEXT = 1;
    /** Descriptor flag: the device writes this buffer. */
    public static final int F_WRITE = 2;
    /** Descriptor flag: the buffer is a table of descriptors (VIRTIO_F_INDIRECT_DESC). */
    public static final int F_INDIRECT = 4;
    /** Descriptor flag VIRTQ_DESC_F_AVAIL. */
    public static final int F_AVAIL = 1 << 7;
    /** Descriptor flag VIRTQ_DESC_F_USED. */
    public static final int F_USED = 1 << 15;
    /** Event suppression flags: notifications on. */
    public static final int EVENT_ENABLE = 0;
    /** Event suppression flags: notifications off. */
    public static final int EVENT_DISABLE = 1;
    /** Event suppression flags: notify at the position off_wrap names (VIRTIO_F_EVENT_IDX only). */
    public static final int EVENT_DESC = 2;
    /** The wrap counter's bit in off_wrap. */
    public static final int WRAP_BIT = 1 << 15;

    public PackedVirtqueueLayout {
        if (size <= 0 || Integer.bitCount(size) != 1 || size > 32768) {
            throw new IllegalArgumentException("queue size must be a power of two up to 32768: " + size);
        }
    }

    public int descriptorRingBytes() {
        return DESCRIPTOR_SIZE * size;
    }

    public int driverEventOffset() {
        return descriptorRingBytes();
    }

    public int deviceEventOffset() {
        return driverEventOffset() + EVENT_SIZE;
    }

    /** Bytes of the whole region when the three parts share one. */
    public int totalBytes() {
        return deviceEventOffset() + EVENT_SIZE;
    }

    /** Offset of descriptor {@code position} from the ring's start. */
    public static long descriptorOffset(int position) {
        return (long) position * DESCRIPTOR_SIZE;
    }

    /** The AVAIL and USED flags of a descriptor the driver makes available in a lap of {@code wrap}. */
    public static int availableFlags(boolean wrap) {
        return wrap ? F_AVAIL : F_USED;
    }

    /** Whether {@code flags} mark a descriptor used in a lap of the device's wrap counter {@code wrap}. */
    public static boolean isUsed(int flags, boolean wrap) {
        return ((flags & F_AVAIL) != 0) == wrap && ((flags & F_USED) != 0) == wrap;
    }

    /** Whether {@code flags} mark a descriptor available in a lap of the driver's wrap counter {@code wrap}. */
    public static boolean isAvailable(int flags, boolean wrap) {
        return ((flags & F_AVAIL) != 0) == wrap && ((flags & F_USED) != 0) != wrap;
    }

    /** off_wrap for ring position {@code position} in a lap of {@code wrap}. */
    public static int offWrap(int position, boolean wrap) {
        return position | (wrap ? WRAP_BIT : 0);
    }
}
