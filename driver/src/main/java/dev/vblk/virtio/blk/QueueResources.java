package dev.vblk.virtio.blk;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.dma.DmaMapping;
import dev.vblk.dma.PhysicalRun;
import dev.vblk.platform.Platform;
import dev.vblk.platform.PlatformException;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.VirtioTransport;
import dev.vblk.virtio.queue.Virtqueue;
import java.util.function.Function;

/**
 * One request queue's memory on the device: its ring and request buffers from the device's set-up to
 * their release, and the reset of that queue alone (VIRTIO_F_RING_RESET) with a fresh ring after it.
 * The ring's memory is mapped for the device ({@link DmaMapping}) while the device may use it.
 */
final class QueueResources {

    private final int index;
    private final Platform platform;
    private final VirtioTransport transport;
    private final DriverOptions options;
    private final ErrorPolicy errors;
    private final InFlightRequests requests;
    private final CompletionHandler completions;
    private Virtqueue ring;
    private DmaMapping mapping;
    private RequestBuffers buffers;
    /** The ring and buffers as requests pass through them, once both are attached. */
    private RequestRing requestRing;

    QueueResources(int index, Platform platform, VirtioTransport transport, DriverOptions options, ErrorPolicy errors,
            InFlightRequests requests, CompletionHandler completions) {
        this.index = index;
        this.platform = platform;
        this.transport = transport;
        this.options = options;
        this.errors = errors;
        this.requests = requests;
        this.completions = completions;
    }

    /**
     * Gives the queue its ring, mapped through {@code mapping} before the device is told of it; its
     * buffers follow.
     */
    void attach(Virtqueue ring, DmaMapping mapping) {
        this.ring = ring;
        this.mapping = mapping;
        ring.memory().forEach(mapping::map);
    }

    /** The entries of the queue's ring. */
    int ringSize() {
        return ring.size();
    }

    /**
     * Gives the queue its request buffers, laid out as {@code layout}, each data run of a request's
     * chain at most {@code maxRunBytes} long.
     */
    void attach(RequestBuffers buffers, RequestLayout layout, int maxRunBytes) {
        this.buffers = buffers;
        this.requestRing = new RequestRing(platform, transport.owner(), errors, ring, buffers, layout, maxRunBytes);
        completions.attach(requestRing);
    }

    /** The ring and buffers requests pass through. */
    RequestRing requestRing() {
        return requestRing;
    }

    /**
     * Resets the queue on the device and sets it up again, its lock held: each call the queue holds
     * ends with the error {@code errorFor} gives it, or ABORTED where that is null, and a fresh ring
     * is set up on the device. A failure on the way ends them all with it, their buffers set apart;
     * it is fatal for the device (a queue left without a ring among them).
     */
    void resetQueue(Function<RequestHandle, BlockDeviceException> errorFor) {
        try {
            resetOnDevice();
            unmapRing();
            ring = renewRing();
            ring.memory().forEach(mapping::map);
            for (BlkRequest request : requests.abandonAll(handle -> {
                BlockDeviceException error = errorFor.apply(handle);
                return error != null ? error : errors.about(handle, ErrorKind.ABORTED, "queue " + index + " was reset").build();
            })) {
                requestRing.release(request);
            }
            requestRing = requestRing.over(ring);
            completions.attach(requestRing);
            transport.setupQueue(index, ring.size(), ring.descriptorArea(), ring.driverArea(), ring.deviceArea());
        } catch (BlockDeviceException | VirtioException | PlatformException e) {
            BlockDeviceException error = errors.translate(e, null, -1, 0);
            for (BlkRequest request : requests.abandonAll(handle -> error)) {
                requestRing.abandon(request);
            }
            throw error;
        }
    }

    /**
     * Resets the queue on the device and waits until its reset register says the reset is done,
     * reading it at most once per poll of a request's budget and pausing for the interrupt line
     * between reads.
     *
     * @throws BlockDeviceException TIMEOUT when the request time or poll budget runs out first
     */
    private void resetOnDevice() {
        transport.startQueueReset(index);
        long deadline = platform.nanoTime() + options.requestTimeoutNanos();
        for (int poll = 1; !transport.queueResetDone(index); poll++) {
            if (poll >= options.maxPollsPerRequest() || platform.nanoTime() - deadline >= 0) {
                throw errors.error(ErrorKind.TIMEOUT, "queue " + index + " did not report its reset done after " + poll
                        + " reads within " + options.requestTimeoutNanos() / 1_000_000 + " ms").build();
            }
            transport.awaitInterrupt(options.pollIntervalNanos());
        }
    }

    /**
     * Releases the queue's ring and allocates a fresh one in its place.
     *
     * @throws BlockDeviceException PLATFORM_ERROR when the platform refuses the fresh ring's frames:
     *     the queue is then left without a ring, so the device is unusable until it is reset
     */
    private Virtqueue renewRing() {
        try {
            return ring.renew();
        } catch (VirtioException e) {
            ring = null;
            throw errors.error(ErrorKind.PLATFORM_ERROR, "queue " + index + " has no ring after its reset: "
                    + e.detail()).build(e);
        }
    }

    /** Takes back the device's access to the queue's ring. */
    private void unmapRing() {
        for (PhysicalRun run : ring.memory()) {
            mapping.unmap(run);
        }
    }

    /** Frees the ring and every buffer; the device must have been reset. */
    void release() {
        if (ring != null) {
            unmapRing();
            ring.release();
            ring = null;
        }
        if (buffers != null) {
            buffers.releaseAll();
            buffers = null;
        }
        requestRing = null;
    }
}
