package dev.vblk.virtio.blk;

import dev.vblk.block.BlockDevice;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.virtio.queue.SplitVirtqueueLayout;
import dev.vblk.virtio.spec.BlkRequestFormat;
import dev.vblk.virtio.spec.DescriptorLayout;
import java.util.function.Consumer;

/**
 * Tunables of the virtio-blk driver.
 *
 * @param requestTimeoutNanos how long one request may take, on the platform's clock
 * @param maxPollsPerRequest how many times one request's completion is waited for at most, whatever
 *     the clock says: the bound that holds even when a platform's clock stands still
 * @param pollIntervalNanos how long one wait for the interrupt line lasts between polls
 *     ({@link CompletionMode#POLLING})
 * @param maxQueueSize the largest virtqueue the driver sets up (a power of two, at most 256)
 * @param maxRequestBytes the largest data transfer in one request; larger calls are split
 * @param completion how completions are found: polling the used ring, or interrupts
 * @param maxInFlight how many requests the device holds at once at most (1 to 256; the queue's size
 *     and free descriptors bound it too)
 * @param pooledBuffers whether request buffers come from a pool set up at initialisation (one DMA
 *     buffer per in-flight slot) rather than being allocated and freed for every request
 * @param indirectDescriptors whether to use VIRTIO_F_INDIRECT_DESC when the device offers it
 * @param eventIndex whether to use VIRTIO_F_EVENT_IDX when the device offers it
 * @param recheckCapacity whether a request reaching past the capacity first looks for a resize the
 *     device has signalled (one poll of the interrupt line) before it is refused
 * @param packedRing whether to use the packed ring (VIRTIO_F_RING_PACKED) when the device offers it;
 *     otherwise the split ring
 * @param maxQueues how many request queues the driver sets up at most (1 to 64); above 1 the driver
 *     accepts VIRTIO_BLK_F_MQ when offered and uses as many of the device's queues as this allows
 * @param topology whether to accept VIRTIO_BLK_F_TOPOLOGY when offered and read its hints into
 *     {@link dev.vblk.block.BlockDeviceInfo#topology()}; off by default, so that the feature word the
 *     driver writes and the configuration it reads stay those of the traces recorded before it
 * @param ringReset whether to accept VIRTIO_F_RING_RESET when the device offers it, so that one queue
 *     can be reset and re-enabled on its own ({@link VirtioBlkQueue#resetQueue()})
 * @param secureErase whether to accept VIRTIO_BLK_F_SECURE_ERASE when the device offers it
 *     ({@link dev.vblk.block.BlockDevice#secureErase})
 * @param lifetime whether to accept VIRTIO_BLK_F_LIFETIME when the device offers it
 *     ({@link dev.vblk.block.BlockDevice#lifetime()})
 * @param inOrder whether to accept VIRTIO_F_IN_ORDER when the device offers it: descriptors are then
 *     used in ring order and one used entry may stand for a batch of buffers
 * @param notificationData whether to accept VIRTIO_F_NOTIFICATION_DATA when the device offers it: a
 *     notification then carries the queue's next available position besides its index
 * @param zoned whether to accept VIRTIO_BLK_F_ZONED when offered, giving
 *     {@link VirtioBlkDevice#zoned()}; without it a host-managed device cannot be used at all (it
 *     refuses FEATURES_OK, VirtIO 1.2 section 5.2.5.2)
 * @param accessPlatform whether to accept VIRTIO_F_ACCESS_PLATFORM when offered: the device then
 *     reaches only the rings and request buffers the driver maps for it through the platform's
 *     {@link dev.vblk.dma.DmaMapping}; off by default, and a device that requires it then refuses
 *     FEATURES_OK
 */
public record DriverOptions(
        long requestTimeoutNanos,
        int maxPollsPerRequest,
        long pollIntervalNanos,
        int maxQueueSize,
        int maxRequestBytes,
        CompletionMode completion,
        int maxInFlight,
        boolean pooledBuffers,
        boolean indirectDescriptors,
        boolean eventIndex,
        boolean recheckCapacity,
        boolean packedRing,
        int maxQueues,
        boolean topology,
        boolean ringReset,
        boolean secureErase,
        boolean lifetime,
        boolean inOrder,
        boolean notificationData,
        boolean zoned,
        boolean accessPlatform) {

    /** The most request queues the driver sets up. */
    public static final int QUEUE_LIMIT = 64;

    /**
     * Five seconds per request, 1 ms waits, 256-entry queues, 128 KiB per request; interrupts,
     * 32 requests in flight from a buffer pool, indirect descriptors and the event index when offered,
     * the split ring, one request queue, no topology hints, no virtqueue reset, no secure erase, no
     * lifetime report, no in-order use, no notification data, no zoned commands, no DMA mapping.
     */
    public static final DriverOptions DEFAULTS = new DriverOptions(5_000_000_000L, 100_000, 1_000_000L, 256, 128 * 1024,
            CompletionMode.INTERRUPTS, 32, true, true, true, true, false, 1, false, false, false, false, false, false, false, false);

    /**
     * The behaviour of the first, synchronous driver with the default budgets: polling, one request
     * at a time in a buffer of its own, no indirect descriptors or event index. Traces recorded before
     * the driver kept several requests in flight (trace format 1) replay with these settings.
     */
    public static final DriverOptions ONE_AT_A_TIME = DEFAULTS.withCompletion(CompletionMode.POLLING).withMaxInFlight(1)
            .withPooledBuffers(false).withIndirectDescriptors(false).withEventIndex(false).withRecheckCapacity(false);

    public DriverOptions {
        if (requestTimeoutNanos <= 0 || maxPollsPerRequest <= 0 || pollIntervalNanos < 0) {
            throw new IllegalArgumentException("timeouts and poll counts must be positive");
        }
        if (maxQueueSize < 4 || maxQueueSize > 256 || Integer.bitCount(maxQueueSize) != 1) {
            throw new IllegalArgumentException("maxQueueSize must be a power of two from 4 to 256: " + maxQueueSize);
        }
        if (maxRequestBytes < BlockDevice.SECTOR_SIZE || maxRequestBytes % BlockDevice.SECTOR_SIZE != 0
                || maxRequestBytes > 256 * FrameAllocator.FRAME_SIZE) {
            throw new IllegalArgumentException("maxRequestBytes must be whole sectors up to 1 MiB: " + maxRequestBytes);
        }
        if (completion == null) {
            throw new IllegalArgumentException("a completion mode is needed");
        }
        if (maxInFlight < 1 || maxInFlight > 256) {
            throw new IllegalArgumentException("maxInFlight must be from 1 to 256: " + maxInFlight);
        }
        if (maxQueues < 1 || maxQueues > QUEUE_LIMIT) {
            throw new IllegalArgumentException("maxQueues must be from 1 to " + QUEUE_LIMIT + ": " + maxQueues);
        }
    }

    /**
     * The most guest memory one device takes with these options, in bytes: on each of up to
     * {@link #maxQueues()} queues, its ring at {@link #maxQueueSize()} entries (descriptors, driver
     * and device areas, each in frames of its own at worst) and {@link #maxInFlight()} request
     * buffers of the largest request (header, data, status byte and an indirect table of one
     * descriptor per ring entry). A machine is given this much per device so that every device it
     * holds can be set up.
     */
    public long guestMemoryPerDevice() {
        SplitVirtqueueLayout ring = new SplitVirtqueueLayout(maxQueueSize);
        long ringFrames = frames(ring.descriptorTableBytes()) + frames(ring.availableRingBytes()) + frames(ring.usedRingBytes());
        long bufferFrames = frames(maxRequestBytes + 2L * BlkRequestFormat.HEADER_BYTES
                + (long) DescriptorLayout.BYTES * maxQueueSize);
        return maxQueues * (ringFrames + maxInFlight * bufferFrames) * FrameAllocator.FRAME_SIZE;
    }

    private static long frames(long bytes) {
        return (bytes + FrameAllocator.FRAME_SIZE - 1) / FrameAllocator.FRAME_SIZE;
    }

    /** These options with the five budgets given and the rest unchanged. */
    public DriverOptions withBudgets(long timeoutNanos, int polls, long intervalNanos, int queueSize, int requestBytes) {
        return with(copy -> {
            copy.requestTimeoutNanos = timeoutNanos;
            copy.maxPollsPerRequest = polls;
            copy.pollIntervalNanos = intervalNanos;
            copy.maxQueueSize = queueSize;
            copy.maxRequestBytes = requestBytes;
        });
    }

    /** These options with another request timeout. */
    public DriverOptions withRequestTimeoutNanos(long nanos) {
        return withBudgets(nanos, maxPollsPerRequest, pollIntervalNanos, maxQueueSize, maxRequestBytes);
    }

    /** These options with another largest request. */
    public DriverOptions withMaxRequestBytes(int bytes) {
        return withBudgets(requestTimeoutNanos, maxPollsPerRequest, pollIntervalNanos, maxQueueSize, bytes);
    }

    /** These options with another completion mode. */
    public DriverOptions withCompletion(CompletionMode mode) {
        return with(copy -> copy.completion = mode);
    }

    /** These options with another bound on requests in flight. */
    public DriverOptions withMaxInFlight(int requests) {
        return with(copy -> copy.maxInFlight = requests);
    }

    /** These options with pooled request buffers on or off. */
    public DriverOptions withPooledBuffers(boolean pooled) {
        return with(copy -> copy.pooledBuffers = pooled);
    }

    /** These options with indirect descriptors allowed or not. */
    public DriverOptions withIndirectDescriptors(boolean allowed) {
        return with(copy -> copy.indirectDescriptors = allowed);
    }

    /** These options with the event index allowed or not. */
    public DriverOptions withEventIndex(boolean allowed) {
        return with(copy -> copy.eventIndex = allowed);
    }

    /** These options with the capacity re-check on or off. */
    public DriverOptions withRecheckCapacity(boolean recheck) {
        return with(copy -> copy.recheckCapacity = recheck);
    }

    /** These options with the packed ring allowed or not. */
    public DriverOptions withPackedRing(boolean allowed) {
        return with(copy -> copy.packedRing = allowed);
    }

    /** These options with another bound on the request queues. */
    public DriverOptions withMaxQueues(int queues) {
        return with(copy -> copy.maxQueues = queues);
    }

    /** These options with VIRTIO_BLK_F_TOPOLOGY allowed or not. */
    public DriverOptions withTopology(boolean allowed) {
        return with(copy -> copy.topology = allowed);
    }

    /** These options with virtqueue reset (VIRTIO_F_RING_RESET) allowed or not. */
    public DriverOptions withRingReset(boolean allowed) {
        return with(copy -> copy.ringReset = allowed);
    }

    /** These options with VIRTIO_BLK_F_SECURE_ERASE allowed or not. */
    public DriverOptions withSecureErase(boolean allowed) {
        return with(copy -> copy.secureErase = allowed);
    }

    /** These options with VIRTIO_BLK_F_LIFETIME allowed or not. */
    public DriverOptions withLifetime(boolean allowed) {
        return with(copy -> copy.lifetime = allowed);
    }

    /** These options with in-order use of descriptors (VIRTIO_F_IN_ORDER) allowed or not. */
    public DriverOptions withInOrder(boolean allowed) {
        return with(copy -> copy.inOrder = allowed);
    }

    /** These options with notification data (VIRTIO_F_NOTIFICATION_DATA) allowed or not. */
    public DriverOptions withNotificationData(boolean allowed) {
        return with(copy -> copy.notificationData = allowed);
    }

    /** These options with VIRTIO_BLK_F_ZONED allowed or not. */
    public DriverOptions withZoned(boolean allowed) {
        return with(copy -> copy.zoned = allowed);
    }

    /** These options with VIRTIO_F_ACCESS_PLATFORM allowed or not. */
    public DriverOptions withAccessPlatform(boolean allowed) {
        return with(copy -> copy.accessPlatform = allowed);
    }

    /** These options with what {@code change} sets in a copy of their values. */
    private DriverOptions with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.options();
    }

    /** The values of options being changed: the one place, besides the record, that lists every field. */
    private static final class Copy {
        long requestTimeoutNanos;
        int maxPollsPerRequest;
        long pollIntervalNanos;
        int maxQueueSize;
        int maxRequestBytes;
        CompletionMode completion;
        int maxInFlight;
        boolean pooledBuffers;
        boolean indirectDescriptors;
        boolean eventIndex;
        boolean recheckCapacity;
        boolean packedRing;
        int maxQueues;
        boolean topology;
        boolean ringReset;
        boolean secureErase;
        boolean lifetime;
        boolean inOrder;
        boolean notificationData;
        boolean zoned;
        boolean accessPlatform;

        Copy(DriverOptions options) {
            requestTimeoutNanos = options.requestTimeoutNanos;
            maxPollsPerRequest = options.maxPollsPerRequest;
            pollIntervalNanos = options.pollIntervalNanos;
            maxQueueSize = options.maxQueueSize;
            maxRequestBytes = options.maxRequestBytes;
            completion = options.completion;
            maxInFlight = options.maxInFlight;
            pooledBuffers = options.pooledBuffers;
            indirectDescriptors = options.indirectDescriptors;
            eventIndex = options.eventIndex;
            recheckCapacity = options.recheckCapacity;
            packedRing = options.packedRing;
            maxQueues = options.maxQueues;
            topology = options.topology;
            ringReset = options.ringReset;
            secureErase = options.secureErase;
            lifetime = options.lifetime;
            inOrder = options.inOrder;
            notificationData = options.notificationData;
            zoned = options.zoned;
            accessPlatform = options.accessPlatform;
        }

        DriverOptions options() {
            return new DriverOptions(requestTimeoutNanos, maxPollsPerRequest, pollIntervalNanos, maxQueueSize,
                    maxRequestBytes, completion, maxInFlight, pooledBuffers, indirectDescriptors, eventIndex,
                    recheckCapacity, packedRing, maxQueues, topology, ringReset, secureErase, lifetime, inOrder,
                    notificationData, zoned, accessPlatform);
        }
    }
}
