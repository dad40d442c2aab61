package dev.vblk.virtio.blk;

import dev.vblk.dma.DmaBuffer;
import dev.vblk.dma.DmaMapping;
import dev.vblk.dma.PhysicalRun;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.virtio.VirtioException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Where requests' DMA buffers come from: a pool of buffers set up once at initialisation, one per
 * request the device may hold, or (when pooling is off) a buffer allocated for each request and freed
 * when it completes. A buffer the device may still write (its request timed out) is kept apart until
 * {@link #releaseAll()}, after the device has been reset. Every buffer is mapped for the device
 * ({@link DmaMapping}) from its allocation to its release: under VIRTIO_F_ACCESS_PLATFORM the pool is
 * the bounce-buffer pool, the only memory besides the rings the device may reach, which callers'
 * data is copied into before a write and out of after a read.
 */
final class RequestBuffers {

    private final FrameAllocator allocator;
    private final String owner;
    private final RequestLayout layout;
    private final DmaMapping mapping;
    private final boolean pooled;
    private final Deque<RequestBuffer> free = new ArrayDeque<>();
    private final List<RequestBuffer> all = new ArrayList<>();
    private final List<RequestBuffer> abandoned = new ArrayList<>();

    private RequestBuffers(FrameAllocator allocator, String owner, RequestLayout layout, DmaMapping mapping,
            boolean pooled) {
        this.allocator = allocator;
        this.owner = owner;
        this.layout = layout;
        this.mapping = mapping;
        this.pooled = pooled;
    }

    /** Buffers allocated for each request as it is posted. */
    static RequestBuffers perRequest(FrameAllocator allocator, String owner, RequestLayout layout, DmaMapping mapping) {
        return new RequestBuffers(allocator, owner, layout, mapping, false);
    }

    /**
     * A pool of {@code slots} buffers, each able to carry the largest request, allocated now. When the
     * platform runs out of frames the pool is smaller; with not even one buffer it fails.
     *
     * @throws VirtioException OUT_OF_MEMORY if not one buffer can be had
     */
    static RequestBuffers pool(FrameAllocator allocator, String owner, RequestLayout layout, DmaMapping mapping,
            int slots) {
        RequestBuffers buffers = new RequestBuffers(allocator, owner, layout, mapping, true);
        int bytes = layout.bufferBytes(layout.maxDataBytes());
        for (int i = 0; i < slots; i++) {
            DmaBuffer buffer;
            try {
                buffer = buffers.allocateMapped(bytes);
            } catch (VirtioException e) {
                if (i == 0) {
                    throw e;
                }
                break;
            }
            RequestBuffer slot = new RequestBuffer(buffer, layout.maxDataBytes());
            buffers.all.add(slot);
            buffers.free.add(slot);
        }
        return buffers;
    }

    /** How many requests can hold a buffer at once; unbounded (as far as memory goes) when not pooled. */
    int capacity() {
        return pooled ? all.size() - abandoned.size() : Integer.MAX_VALUE;
    }

    /** Whether a buffer can be had without waiting for a completion. */
    boolean available() {
        return !pooled || !free.isEmpty();
    }

    /**
     * A buffer for a request carrying {@code dataBytes} of data.
     *
     * @throws VirtioException OUT_OF_MEMORY if the platform refuses the frames (not pooled)
     */
    RequestBuffer acquire(int dataBytes) {
        return pooled ? free.pop() : new RequestBuffer(allocateMapped(layout.bufferBytes(dataBytes)), dataBytes);
    }

    /** Gives back the buffer of a request the device has completed. */
    void release(RequestBuffer buffer) {
        if (pooled) {
            free.push(buffer);
        } else {
            discard(buffer.dma());
        }
    }

    /** Keeps apart the buffer of a request the device may still write, until {@link #releaseAll()}. */
    void abandon(RequestBuffer buffer) {
        abandoned.add(buffer);
    }

    /** Frees every buffer, pooled or abandoned. The device must have been reset. */
    void releaseAll() {
        if (pooled) {
            for (RequestBuffer buffer : all) {
                discard(buffer.dma());
            }
        } else {
            for (RequestBuffer buffer : abandoned) {
                discard(buffer.dma());
            }
        }
        all.clear();
        free.clear();
        abandoned.clear();
    }

    /** A buffer of {@code bytes}, mapped for the device. */
    private DmaBuffer allocateMapped(int bytes) {
        DmaBuffer buffer = DmaBuffer.allocate(allocator, bytes, owner);
        if (mapping.restricts()) {
            for (PhysicalRun run : buffer.segments(0, bytes, Integer.MAX_VALUE)) {
                mapping.map(run);
            }
        }
        return buffer;
    }

    /** Unmaps {@code buffer} and returns its frames. */
    private void discard(DmaBuffer buffer) {
        if (mapping.restricts()) {
            for (PhysicalRun run : buffer.segments(0, buffer.length(), Integer.MAX_VALUE)) {
                mapping.unmap(run);
            }
        }
        buffer.free(allocator);
    }

    /** One request's DMA memory and the largest data transfer it can carry. */
    record RequestBuffer(DmaBuffer dma, int dataCapacity) {}
}
