package dev.vblk.replay;

import dev.vblk.platform.FrameAllocator;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * First-fit frame bookkeeping over a range of guest RAM that also takes allocations made elsewhere
 * (the addresses a trace recorded), so that frames handed out later never overlap them.
 */
final class FrameBook {

    private final long base;
    private final long end;
    private final TreeMap<Long, Long> taken = new TreeMap<>();

    FrameBook(long base, long bytes) {
        this.base = base;
        this.end = base + bytes;
    }

    /** Takes note of frames allocated at a recorded address. */
    void reserve(long address, int frameCount) {
        taken.put(address, address + (long) frameCount * FrameAllocator.FRAME_SIZE);
    }

    void free(long address) {
        taken.remove(address);
    }

    /** The first free run of {@code frameCount} frames aligned to {@code alignment}, now taken. */
    OptionalLong allocate(int frameCount, long alignment) {
        long length = (long) frameCount * FrameAllocator.FRAME_SIZE;
        long candidate = align(base, alignment);
        for (Map.Entry<Long, Long> run : taken.entrySet()) {
            if (candidate + length <= run.getKey()) {
                break;
            }
            candidate = Math.max(candidate, align(run.getValue(), alignment));
        }
        if (candidate + length > end) {
            return OptionalLong.empty();
        }
        taken.put(candidate, candidate + length);
        return OptionalLong.of(candidate);
    }

    private static long align(long address, long alignment) {
        return (address + alignment - 1) & -alignment;
    }
}
