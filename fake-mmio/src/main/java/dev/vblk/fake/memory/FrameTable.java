package dev.vblk.fake.memory;

import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.fake.violation.ViolationLog;
import dev.vblk.platform.FrameAllocator;
import java.util.Arrays;
import java.util.BitSet;
import java.util.OptionalLong;

/**
 * A first-fit allocator of contiguous 4 KiB frames over a {@link SparseRam}: frames are zeroed on
 * allocation, frees must match an allocation exactly, and {@link AllocatorFaults} can refuse
 * requests. It also answers whether a range is covered by live allocations (strict DMA checks).
 */
public final class FrameTable implements FrameAllocator {

    /**
     * Frame numbers are found by shifts and masks (sizes and alignments are powers of two): the client
     * compiler, which short runs and fuzz campaigns use, makes every long division a call into the VM.
     */
    private static final int FRAME_SHIFT = Integer.numberOfTrailingZeros(FRAME_SIZE);

    private final SparseRam ram;
    private final ViolationLog violations;
    private final AllocatorFaults faults = new AllocatorFaults();
    private final BitSet used = new BitSet();
    /**
     * The frame count of the allocation starting at each frame, 0 where none starts; grown as far as
     * allocations reach (first fit keeps them low).
     */
    private int[] allocationAt = new int[64];
    private final int frameCount;

    public FrameTable(SparseRam ram, ViolationLog violations) {
        this.ram = ram;
        this.violations = violations;
        this.frameCount = (int) (ram.size() / FRAME_SIZE);
    }

    /** The fault switches of this allocator. */
    public AllocatorFaults faults() {
        return faults;
    }

    @Override
    public OptionalLong allocateFrames(int count, long alignment) {
        if (count < 1) {
            throw new IllegalArgumentException("frame count must be at least 1: " + count);
        }
        if (alignment < FRAME_SIZE || Long.bitCount(alignment) != 1) {
            throw new IllegalArgumentException(
                    "alignment must be a power of two of at least " + FRAME_SIZE + ": " + alignment);
        }
        if (faults.refuses(count)) {
            return OptionalLong.empty();
        }
        long firstAligned = (-ram.base() & (alignment - 1)) >>> FRAME_SHIFT;
        long step = alignment >>> FRAME_SHIFT;
        long frame = firstAligned;
        while (frame + count <= frameCount) {
            int busy = used.nextSetBit((int) frame);
            if (busy < 0 || busy >= frame + count) {
                used.set((int) frame, (int) frame + count);
                long address = ram.base() + frame * FRAME_SIZE;
                if (frame >= allocationAt.length) {
                    allocationAt = Arrays.copyOf(allocationAt, (int) Math.max(frame + 1, 2L * allocationAt.length));
                }
                allocationAt[(int) frame] = count;
                ram.zeroPages(address, (long) count * FRAME_SIZE);
                return OptionalLong.of(address);
            }
            // No run may start before the end of the used frames from busy on: skip them whole.
            long free = used.nextClearBit(busy);
            frame = ((free - firstAligned + step - 1) & -step) + firstAligned;
        }
        return OptionalLong.empty();
    }

    @Override
    public void freeFrames(long address, int count) {
        int allocated = allocationStartingAt(address);
        if (allocated == 0 || allocated != count) {
            violations.record(ViolationKind.BAD_FREE, address, allocated == 0
                    ? "freeFrames(" + count + ") of an address that is not the start of an allocation"
                    : "freeFrames(" + count + ") of an allocation of " + allocated + " frames");
            return;
        }
        int first = frameNumber(address);
        allocationAt[first] = 0;
        used.clear(first, first + count);
    }

    /** The frame count of the live allocation starting at {@code address}, or 0. */
    private int allocationStartingAt(long address) {
        long offset = address - ram.base();
        if (offset < 0 || (offset & (FRAME_SIZE - 1)) != 0 || offset >>> FRAME_SHIFT >= allocationAt.length) {
            return 0;
        }
        return allocationAt[(int) (offset >>> FRAME_SHIFT)];
    }

    /** Whether every byte of {@code [address, address + length)} lies in a live allocation. */
    public boolean isAllocated(long address, long length) {
        if (!ram.contains(address, length) || length == 0) {
            return length == 0;
        }
        int first = frameNumber(address);
        int last = frameNumber(address + length - 1);
        int free = used.nextClearBit(first);
        return free > last;
    }

    /** The number of the frame holding {@code address}, an address inside RAM. */
    private int frameNumber(long address) {
        return (int) ((address - ram.base()) >>> FRAME_SHIFT);
    }

    /** Number of frames currently allocated. */
    public int allocatedFrames() {
        return used.cardinality();
    }
}
