package dev.vblk.platform;

import java.util.OptionalLong;

/**
 * Allocates physically contiguous 4 KiB frames of guest memory for DMA.
 *
 * <p>An allocator may refuse a request (it returns empty); callers that can work with scattered
 * memory then ask for single frames instead.
 */
public interface FrameAllocator {

    /** The size of one frame in bytes. */
    int FRAME_SIZE = 4096;

    /**
     * Allocates {@code frameCount} contiguous frames whose first byte is aligned to
     * {@code alignment} bytes (a power of two, at least {@link #FRAME_SIZE}); the memory is zeroed.
     *
     * @return the physical address of the first frame, or empty if the request cannot be met
     */
    OptionalLong allocateFrames(int frameCount, long alignment);

    /** Returns frames obtained from {@link #allocateFrames}; the count must match the allocation. */
    void freeFrames(long address, int frameCount);
}
