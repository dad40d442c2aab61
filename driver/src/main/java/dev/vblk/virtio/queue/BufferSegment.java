package dev.vblk.virtio.queue;

import java.util.List;

/**
 * One element of a descriptor chain: a physically contiguous buffer and its direction.
 *
 * @param address guest-physical address
 * @param length length in bytes (at least 1)
 * @param deviceWritable the device writes this buffer (VIRTQ_DESC_F_WRITE); otherwise it reads it
 */
public record BufferSegment(long address, int length, boolean deviceWritable) {

    public BufferSegment {
        if (length <= 0) {
            throw new IllegalArgumentException("segment length must be positive: " + length);
        }
    }

    /** The bytes of {@code chain} the device may write. */
    public static long writableBytes(List<BufferSegment> chain) {
        long writable = 0;
        for (BufferSegment segment : chain) {
            if (segment.deviceWritable()) {
                writable += segment.length();
            }
        }
        return writable;
    }
}
