package dev.vblk.virtio.queue;

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
}
