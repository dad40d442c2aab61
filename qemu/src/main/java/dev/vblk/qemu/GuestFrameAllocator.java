package dev.vblk.qemu;

import dev.vblk.platform.FrameAllocator;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * First-fit bookkeeping of 4 KiB frames over one range of guest RAM. It only decides addresses;
 * zeroing the memory is the caller's part.
 */
public final class GuestFrameAllocator {

    private final long base;
    private final int frames;
    private final BitSet used;
    private final Map<Long, Integer> allocations = new HashMap<>();

    /**
     * @param base the first byte of the range, aligned to {@link FrameAllocator#FRAME_SIZE}
     * @param bytes the size of the range, a multiple of the frame size
     */
    public GuestFrameAllocator(long base, long bytes) {
        if (base % FrameAllocator.FRAME_SIZE != 0 || bytes <= 0 || bytes % FrameAllocator.FRAME_SIZE != 0) {
            throw new IllegalArgumentException("the range must be frame-aligned and a positive whole number of frames: base 0x"
                    + Long.toHexString(base) + ", " + bytes + " bytes");
        }
        long count = bytes / FrameAllocator.FRAME_SIZE;
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("range too large: " + bytes + " bytes");
        }
        this.base = base;
        this.frames = (int) count;
        this.used = new BitSet(frames);
    }

    /**
     * Reserves {@code frameCount} contiguous free frames starting at a multiple of {@code alignment}.
     *
     * @return the first frame's address, or empty if no such run is free
     * @throws IllegalArgumentException if the count is not positive or the alignment is not a power
     *     of two of at least one frame
     */
    public synchronized OptionalLong allocate(int frameCount, long alignment) {
        if (frameCount <= 0) {
            throw new IllegalArgumentException("frame count must be positive, not " + frameCount);
        }
        if (alignment < FrameAllocator.FRAME_SIZE || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException("alignment must be a power of two of at least "
                    + FrameAllocator.FRAME_SIZE + ", not " + alignment);
        }
        long firstAligned = Math.floorMod(-base, alignment) / FrameAllocator.FRAME_SIZE;
        long step = alignment / FrameAllocator.FRAME_SIZE;
        for (long start = firstAligned; start + frameCount <= frames; start += step) {
            int candidate = (int) start;
            int nextUsed = used.nextSetBit(candidate);
            if (nextUsed < 0 || nextUsed >= candidate + frameCount) {
                used.set(candidate, candidate + frameCount);
                long address = base + (long) candidate * FrameAllocator.FRAME_SIZE;
                allocations.put(address, frameCount);
                return OptionalLong.of(address);
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Returns an allocation.
     *
     * @throws IllegalArgumentException if {@code address} does not start an allocation of exactly
     *     {@code frameCount} frames
     */
    public synchronized void free(long address, int frameCount) {
        Integer allocated = allocations.get(address);
        if (allocated == null) {
            throw new IllegalArgumentException("no allocation starts at 0x" + Long.toHexString(address));
        }
        if (allocated != frameCount) {
            throw new IllegalArgumentException("the allocation at 0x" + Long.toHexString(address) + " has "
                    + allocated + " frames, not " + frameCount);
        }
        allocations.remove(address);
        int first = (int) ((address - base) / FrameAllocator.FRAME_SIZE);
        used.clear(first, first + frameCount);
    }

    /** The number of frames not allocated. */
    public synchronized int freeFrames() {
        return frames - used.cardinality();
    }
}
