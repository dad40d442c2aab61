package dev.vblk.virtio.spec;

/**
 * The bounds of a virtqueue's size (VirtIO 1.1 sections 2.6 and 2.7): at most 32768 entries, and for
 * the rings this driver sets up a power of two.
 */
public final class QueueSize {

    /** The most entries a virtqueue has. */
    public static final int MAX = 0x8000;

    private QueueSize() {}

    /**
     * Returns {@code size} if it is a power of two up to {@link #MAX}.
     *
     * @throws IllegalArgumentException otherwise
     */
    public static int requirePowerOfTwo(int size) {
        if (size <= 0 || Integer.bitCount(size) != 1 || size > MAX) {
            throw new IllegalArgumentException("queue size must be a power of two up to " + MAX + ": " + size);
        }
        return size;
    }
}
