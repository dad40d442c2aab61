package dev.vblk.testing;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.platform.Platform;
import dev.vblk.platform.PlatformException;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A platform with guest memory, a frame allocator and a counting clock but no devices: enough for
 * unit tests of the virtqueue and DMA buffers, which never touch registers.
 */
public final class MemoryOnlyPlatform implements Platform {

    public static final long RAM_BASE = 0x4000_0000L;

    private final Map<Long, byte[]> pages = new HashMap<>();
    private final TreeMap<Long, Integer> allocations = new TreeMap<>();
    private long nextFree = RAM_BASE;
    private boolean refuseMultiFrame;
    private int framesLeft = Integer.MAX_VALUE;
    private long clock;

    /** Makes every allocation of more than one frame fail, as a fragmented allocator would. */
    public MemoryOnlyPlatform refuseMultiFrameAllocations() {
        this.refuseMultiFrame = true;
        return this;
    }

    /** Lets only {@code frames} more frames be allocated. */
    public MemoryOnlyPlatform limitFrames(int frames) {
        this.framesLeft = frames;
        return this;
    }

    /** Frames currently allocated. */
    public int allocatedFrames() {
        return allocations.values().stream().mapToInt(Integer::intValue).sum();
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        throw new PlatformException(String.format("no device at 0x%x", address));
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        throw new PlatformException(String.format("no device at 0x%x", address));
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        for (int i = 0; i < length; i++) {
            destination[offset + i] = page(address + i)[(int) ((address + i) % FRAME_SIZE)];
        }
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        for (int i = 0; i < length; i++) {
            page(address + i)[(int) ((address + i) % FRAME_SIZE)] = source[offset + i];
        }
    }

    private byte[] page(long address) {
        if (address < RAM_BASE) {
            throw new PlatformException(String.format("0x%x is below guest RAM", address));
        }
        return pages.computeIfAbsent(address / FRAME_SIZE, p -> new byte[FRAME_SIZE]);
    }

    @Override
    public OptionalLong allocateFrames(int frameCount, long alignment) {
        if ((refuseMultiFrame && frameCount > 1) || frameCount > framesLeft) {
            return OptionalLong.empty();
        }
        long address = (nextFree + alignment - 1) & -alignment;
        nextFree = address + (long) frameCount * FrameAllocator.FRAME_SIZE;
        framesLeft -= frameCount;
        allocations.put(address, frameCount);
        for (int i = 0; i < frameCount; i++) {
            pages.remove(address / FRAME_SIZE + i);
        }
        return OptionalLong.of(address);
    }

    @Override
    public void freeFrames(long address, int frameCount) {
        Integer count = allocations.remove(address);
        if (count == null || count != frameCount) {
            throw new IllegalStateException(String.format("free of %d frames at 0x%x that were not allocated so", frameCount, address));
        }
        framesLeft += frameCount;
    }

    @Override
    public boolean awaitInterrupt(int line, long timeoutNanos) {
        clock += timeoutNanos;
        return false;
    }

    @Override
    public boolean awaitEdge(int line, long timeoutNanos) {
        return awaitInterrupt(line, timeoutNanos);
    }

    @Override
    public long nanoTime() {
        return clock += 1000;
    }
}
