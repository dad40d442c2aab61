package dev.vblk.virtio.queue;

import dev.vblk.dma.PhysicalRun;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.VirtioException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The frames behind the parts of one virtqueue: one frame-aligned region holding every part at its
 * offset when the allocator can give one, otherwise a frame-aligned allocation per part.
 */
final class QueueMemory {

    private static final int FRAME = FrameAllocator.FRAME_SIZE;

    private final Platform platform;
    private final long[] parts;
    private final long[] regions;
    private final int[] regionFrames;

    private QueueMemory(Platform platform, long[] parts, long[] regions, int[] regionFrames) {
        this.platform = platform;
        this.parts = parts;
        this.regions = regions;
        this.regionFrames = regionFrames;
    }

    /**
     * Allocates parts of {@code partBytes} bytes; in one region they lie at {@code partOffsets}, which
     * must keep each part's alignment, and the region is {@code totalBytes} long.
     *
     * @throws VirtioException OUT_OF_MEMORY if the platform refuses the frames
     */
    static QueueMemory allocate(Platform platform, String owner, int index, int size, int[] partOffsets,
            int[] partBytes, int totalBytes) {
        OptionalLong region = platform.allocateFrames(frames(totalBytes), FRAME);
        long[] parts = new long[partBytes.length];
        if (region.isPresent()) {
            for (int i = 0; i < parts.length; i++) {
                parts[i] = region.getAsLong() + partOffsets[i];
            }
            return new QueueMemory(platform, parts, new long[] {region.getAsLong()}, new int[] {frames(totalBytes)});
        }
        int[] partFrames = new int[partBytes.length];
        for (int i = 0; i < parts.length; i++) {
            partFrames[i] = frames(partBytes[i]);
            OptionalLong part = platform.allocateFrames(partFrames[i], FRAME);
            if (part.isEmpty()) {
                for (int j = 0; j < i; j++) {
                    platform.freeFrames(parts[j], partFrames[j]);
                }
                throw new VirtioException(VirtioException.Kind.OUT_OF_MEMORY, owner,
                        "the platform refused frames for virtqueue " + index + " of " + size + " entries");
            }
            parts[i] = part.getAsLong();
        }
        return new QueueMemory(platform, parts, parts.clone(), partFrames);
    }

    /** Guest-physical address of part {@code i}. */
    long part(int i) {
        return parts[i];
    }

    /** The frames behind the parts, one run per allocation. */
    List<PhysicalRun> runs() {
        List<PhysicalRun> runs = new ArrayList<>();
        for (int i = 0; i < regions.length; i++) {
            runs.add(new PhysicalRun(regions[i], regionFrames[i] * FRAME));
        }
        return runs;
    }

    /** Returns the frames to the allocator. */
    void release() {
        for (int i = 0; i < regions.length; i++) {
            platform.freeFrames(regions[i], regionFrames[i]);
        }
    }

    private static int frames(int bytes) {
        return (bytes + FRAME - 1) / FRAME;
    }
}
