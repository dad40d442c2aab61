package dev.vblk.virtio.queue;

import dev.vblk.virtio.spec.DescriptorLayout;
import dev.vblk.virtio.spec.QueueSize;

/**
 * Sizes, offsets and event suppression flags of a packed virtqueue of {@code size} entries (VirtIO
 * 1.1 section 2.7), laid out one part after the other in one region:
 *
 * <pre>
 *   0                    descriptor ring            size x 16 bytes, 16-byte aligned ({@link DescriptorLayout}, packed)
 *   driverEventOffset    driver event suppression   le16 off_wrap | le16 flags  (the driver writes it)
 *   deviceEventOffset    device event suppression   le16 off_wrap | le16 flags  (the device writes it)
 * </pre>
 *
 * <p>off_wrap holds a ring position in bits 0 to 14 and a wrap counter in bit 15.
 *
 * @param size number of descriptors, a power of two
 */
public record PackedVirtqueueLayout(int size) {

    /** Bytes of one event suppression structure. */
    public static final int EVENT_SIZE = 4;
    /** Event suppression flags: notifications on. */
    public static final int EVENT_ENABLE = 0;
    /** Event suppression flags: notifications off. */
    public static final int EVENT_DISABLE = 1;
    /** Event suppression flags: notify at the position off_wrap names (VIRTIO_F_EVENT_IDX only). */
    public static final int EVENT_DESC = 2;
    /** The wrap counter's bit in off_wrap. */
    public static final int WRAP_BIT = 1 << 15;

    public PackedVirtqueueLayout {
        QueueSize.requirePowerOfTwo(size);
    }

    public int descriptorRingBytes() {
        return DescriptorLayout.BYTES * size;
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

    /** off_wrap for ring position {@code position} in a lap of {@code wrap}. */
    public static int offWrap(int position, boolean wrap) {
        return position | (wrap ? WRAP_BIT : 0);
    }
}
