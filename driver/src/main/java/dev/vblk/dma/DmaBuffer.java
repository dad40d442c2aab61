package dev.vblk.dma;

import dev.vblk.platform.FrameAllocator;
import dev.vblk.platform.PhysicalMemory;
import dev.vblk.virtio.VirtioException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * A driver-owned buffer in guest-physical memory that a device reaches by DMA: one contiguous run of
 * frames when the allocator can give one, otherwise one frame per 4 KiB page (the scatter/gather
 * fallback of the design notes). Offsets are into the buffer; {@link #segments} turns a range into
 * the physical runs a descriptor chain needs.
 */
public final class DmaBuffer {

    private static final int FRAME = FrameAllocator.FRAME_SIZE;

    private final long[] frames;
    private final boolean contiguous;
    private final int length;

    private DmaBuffer(long[] frames, boolean contiguous, int length) {
        this.frames = frames;
        this.contiguous = contiguous;
        this.length = length;
    }

    /**
     * Allocates a zeroed buffer of {@code length} bytes, contiguous if possible.
     *
     * @throws VirtioException of kind {@link VirtioException.Kind#OUT_OF_MEMORY} if not even single frames
     *     can be had; nothing stays allocated then
     */
    public static DmaBuffer allocate(FrameAllocator allocator, int length, String owner) {
        int frameCount = Math.max(1, (length + FRAME - 1) / FRAME);
        OptionalLong run = allocator.allocateFrames(frameCount, FRAME);
        if (run.isPresent()) {
            long[] frames = new long[frameCount];
            for (int i = 0; i < frameCount; i++) {
                frames[i] = run.getAsLong() + (long) i * FRAME;
            }
            return new DmaBuffer(frames, true, length);
        }
        if (frameCount == 1) {
            throw outOfMemory(owner, length);
        }
        long[] frames = new long[frameCount];
        for (int i = 0; i < frameCount; i++) {
            OptionalLong frame = allocator.allocateFrames(1, FRAME);
            if (frame.isEmpty()) {
                for (int j = 0; j < i; j++) {
                    allocator.freeFrames(frames[j], 1);
                }
                throw outOfMemory(owner, length);
            }
            frames[i] = frame.getAsLong();
        }
        return new DmaBuffer(frames, false, length);
    }

    private static VirtioException outOfMemory(String owner, int length) {
        return new VirtioException(VirtioException.Kind.OUT_OF_MEMORY, owner,
                "the platform refused frames for a " + length + "-byte DMA buffer");
    }

    /** Returns the buffer's frames to the allocator. */
    public void free(FrameAllocator allocator) {
        if (contiguous) {
            allocator.freeFrames(frames[0], frames.length);
        } else {
            for (long frame : frames) {
                allocator.freeFrames(frame, 1);
            }
        }
    }

    public int length() {
        return length;
    }

    /** Whether the buffer is one physically contiguous run. */
    public boolean contiguous() {
        return contiguous;
    }

    /** The physical address of the byte at {@code offset}. */
    public long address(int offset) {
        checkRange(offset, 0);
        return frames[offset / FRAME] + offset % FRAME;
    }

    /** Whether the physical range {@code [address, address+size)} lies inside this buffer. */
    public boolean covers(long address, long size) {
        for (PhysicalRun run : segments(0, length, Integer.MAX_VALUE)) {
            if (address >= run.address() && address + size <= run.address() + run.length()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The physical runs that make up {@code [offset, offset+size)}, each at most
     * {@code maxRunBytes} long, in order.
     */
    public List<PhysicalRun> segments(int offset, int size, int maxRunBytes) {
        checkRange(offset, size);
        List<PhysicalRun> runs = new ArrayList<>();
        int position = offset;
        int end = offset + size;
        while (position < end) {
            int runEnd = contiguous ? end : Math.min(end, (position / FRAME + 1) * FRAME);
            int runLength = Math.min(runEnd - position, maxRunBytes);
            runs.add(new PhysicalRun(address(position), runLength));
            position += runLength;
        }
        return runs;
    }

    /** Copies {@code size} bytes from {@code source[sourceOffset..]} into the buffer at {@code offset}. */
    public void write(PhysicalMemory memory, int offset, byte[] source, int sourceOffset, int size) {
        int done = 0;
        for (PhysicalRun run : segments(offset, size, Integer.MAX_VALUE)) {
            memory.writeMemory(run.address(), source, sourceOffset + done, run.length());
            done += run.length();
        }
    }

    /** Copies {@code size} bytes at {@code offset} of the buffer into {@code destination[destinationOffset..]}. */
    public void read(PhysicalMemory memory, int offset, byte[] destination, int destinationOffset, int size) {
        int done = 0;
        for (PhysicalRun run : segments(offset, size, Integer.MAX_VALUE)) {
            memory.readMemory(run.address(), destination, destinationOffset + done, run.length());
            done += run.length();
        }
    }

    private void checkRange(int offset, int size) {
        if (offset < 0 || size < 0 || offset + size > length || (size == 0 && offset > length)) {
            throw new IndexOutOfBoundsException("range " + offset + "+" + size + " outside a " + length + "-byte DMA buffer");
        }
    }
}
