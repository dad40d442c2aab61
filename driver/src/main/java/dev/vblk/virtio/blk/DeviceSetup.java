package dev.vblk.virtio.blk;

import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestType;
import dev.vblk.dma.DmaMapping;
import dev.vblk.platform.Platform;
import dev.vblk.platform.PlatformException;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.VirtioTransport;
import dev.vblk.virtio.queue.PackedVirtqueue;
import dev.vblk.virtio.queue.SplitVirtqueue;
import dev.vblk.virtio.queue.Virtqueue;
import dev.vblk.virtio.spec.ZoneFormat;
import java.util.function.IntFunction;

/**
 * Brings a virtio-blk device from reset to DRIVER_OK (VirtIO 1.1 section 3.1): feature negotiation
 * under the driver's options, as many request queues as MQ and the options allow (the same ones
 * again after a reset), a split or packed ring for each, the writeback cache turned on, the transfer
 * limits and request layout the configuration allows, and each queue's request buffers. With
 * VIRTIO_F_ACCESS_PLATFORM negotiated, the rings and buffers are mapped through the platform's
 * {@link Platform#dmaMapping()} before the device learns of them. A failure marks the device FAILED and gives
 * back what was allocated.
 */
final class DeviceSetup {

    /**
     * What initialisation set up.
     *
     * @param queues the request queues, each with its ring and buffers
     * @param limits how large one request may be
     */
    record Result(VirtioBlkQueue[] queues, TransferLimits limits) {}

    private final Platform platform;
    private final VirtioTransport transport;
    /** The device's name in errors of its rings and buffers, such as {@code virtio-blk@0x0a003e00}. */
    private final String owner;
    private final DriverOptions options;
    private final ErrorPolicy errors;
    private final DeviceState state;

    DeviceSetup(Platform platform, VirtioTransport transport, String owner, DriverOptions options, ErrorPolicy errors,
            DeviceState state) {
        this.platform = platform;
        this.transport = transport;
        this.owner = owner;
        this.options = options;
        this.errors = errors;
        this.state = state;
    }

    /**
     * Initialises the device from reset.
     *
     * @param inUse the queues callers hold, which the device must still offer; null the first time
     * @param newQueue makes request queue {@code i} the first time
     */
    Result initialize(VirtioBlkQueue[] inUse, IntFunction<VirtioBlkQueue> newQueue) {
        VirtioBlkQueue[] queues = inUse;
        try {
            long wanted = BlkFeatures.WANTED
                    | (options.indirectDescriptors() ? FeatureBits.bit(FeatureBits.INDIRECT_DESC) : 0)
                    | (options.eventIndex() ? FeatureBits.bit(FeatureBits.EVENT_IDX) : 0)
                    | (options.packedRing() ? FeatureBits.bit(FeatureBits.RING_PACKED) : 0)
                    | (options.maxQueues() > 1 ? FeatureBits.bit(BlkFeatures.MQ) : 0)
                    | (options.topology() ? FeatureBits.bit(BlkFeatures.TOPOLOGY) : 0)
                    | (options.ringReset() ? FeatureBits.bit(FeatureBits.RING_RESET) : 0)
                    | (options.secureErase() ? FeatureBits.bit(BlkFeatures.SECURE_ERASE) : 0)
                    | (options.lifetime() ? FeatureBits.bit(BlkFeatures.LIFETIME) : 0)
                    | (options.inOrder() ? FeatureBits.bit(FeatureBits.IN_ORDER) : 0)
                    | (options.notificationData() ? FeatureBits.bit(FeatureBits.NOTIFICATION_DATA) : 0)
                    | (options.zoned() ? FeatureBits.bit(BlkFeatures.ZONED) : 0)
                    | (options.accessPlatform() ? FeatureBits.bit(FeatureBits.ACCESS_PLATFORM) : 0);
            state.negotiated(transport.negotiate(wanted, 0, this::withoutDiscardWhenHostManaged));
            errors.zoned(state.has(BlkFeatures.ZONED));
            boolean indirect = state.has(FeatureBits.INDIRECT_DESC);
            boolean eventIndex = state.has(FeatureBits.EVENT_IDX);
            boolean inOrder = state.has(FeatureBits.IN_ORDER);
            DmaMapping mapping = state.has(FeatureBits.ACCESS_PLATFORM) ? platform.dmaMapping() : DmaMapping.UNRESTRICTED;
            if (queues == null) {
                queues = new VirtioBlkQueue[queuesToUse()];
                for (int index = 0; index < queues.length; index++) {
                    queues[index] = newQueue.apply(index);
                }
            } else {
                checkQueuesStillOffered(queues.length);
            }
            int smallestRing = Integer.MAX_VALUE;
            for (VirtioBlkQueue queue : queues) {
                int index = queue.index();
                int size = chooseQueueSize(index, transport.queueNumMax(index));
                Virtqueue ring = state.has(FeatureBits.RING_PACKED)
                        ? PackedVirtqueue.allocate(platform, index, size, owner, indirect, eventIndex, inOrder)
                        : SplitVirtqueue.allocate(platform, index, size, owner, indirect, eventIndex, inOrder);
                queue.resources().attach(ring, mapping);
                transport.setupQueue(index, ring.size(), ring.descriptorArea(), ring.driverArea(), ring.deviceArea());
                smallestRing = Math.min(smallestRing, ring.size());
            }
            VirtioBlkConfig config = state.read();
            if (state.has(BlkFeatures.CONFIG_WCE) && config.writeback() != 1) {
                transport.writeConfigU8(VirtioBlkConfig.WRITEBACK, 1);
                config = state.read();
            }
            TransferLimits limits = TransferLimits.compute(config.segMax(), config.sizeMax(), smallestRing,
                    options.maxRequestBytes());
            if (limits == null) {
                throw errors.error(ErrorKind.UNSUPPORTED, "the device's limits (seg_max " + config.segMax() + ", size_max "
                        + config.sizeMax() + ") cannot carry one sector").request(RequestType.INIT).build();
            }
            RequestLayout layout = new RequestLayout(limits.maxTransferBytes(), indirect ? limits.maxDataSegments() + 2 : 0);
            for (VirtioBlkQueue queue : queues) {
                int slots = Math.min(options.maxInFlight(), queue.resources().ringSize());
                queue.resources().attach(options.pooledBuffers() ? RequestBuffers.pool(platform, owner, layout, mapping, slots)
                        : RequestBuffers.perRequest(platform, owner, layout, mapping), layout, limits.maxRunBytes());
            }
            state.describe();
            transport.driverOk();
            return new Result(queues, limits);
        } catch (RuntimeException e) {
            abandon(queues);
            throw e;
        }
    }

    /**
     * VirtIO 1.2 section 5.2.5.1: a driver must not accept DISCARD from a device offering ZONED with
     * the host-managed model (whose zones are reset, not discarded). The model is read before the
     * features are written, only when ZONED is about to be accepted.
     */
    private long withoutDiscardWhenHostManaged(long accepted) {
        if (!FeatureBits.has(accepted, BlkFeatures.ZONED) || !FeatureBits.has(accepted, BlkFeatures.DISCARD)) {
            return accepted;
        }
        int model = transport.readConfig(() -> transport.configU8(VirtioBlkConfig.ZONED_MODEL));
        return model == ZoneFormat.Z_HM ? accepted & ~FeatureBits.bit(BlkFeatures.DISCARD) : accepted;
    }

    /** How many queues to set up: 1, or with MQ negotiated the device's num_queues capped by the options. */
    private int queuesToUse() {
        if (!state.has(BlkFeatures.MQ)) {
            return 1;
        }
        int offered = transport.readConfig(() -> transport.configU16(VirtioBlkConfig.NUM_QUEUES));
        if (offered == 0) {
            throw errors.error(ErrorKind.PROTOCOL_VIOLATION, "the device offers MQ with num_queues 0")
                    .request(RequestType.INIT).build();
        }
        return Math.min(offered, options.maxQueues());
    }

    /** After a reset the device must still offer every queue in use: callers hold them. */
    private void checkQueuesStillOffered(int inUse) {
        if (inUse == 1) {
            return;
        }
        int offered = state.has(BlkFeatures.MQ)
                ? transport.readConfig(() -> transport.configU16(VirtioBlkConfig.NUM_QUEUES)) : 1;
        if (offered < inUse) {
            throw errors.error(ErrorKind.PROTOCOL_VIOLATION, "after the reset the device offers " + offered
                    + " queue(s); " + inUse + " are in use").request(RequestType.INIT).build();
        }
    }

    private int chooseQueueSize(int index, int numMax) {
        if (numMax <= 0) {
            throw errors.error(ErrorKind.PROTOCOL_VIOLATION, "queue " + index + " is not available (QueueNumMax reads "
                    + Integer.toUnsignedString(numMax) + ")").request(RequestType.INIT).build();
        }
        int size = Integer.highestOneBit(Math.min(numMax, options.maxQueueSize()));
        if (size < 4) {
            throw errors.error(ErrorKind.UNSUPPORTED, "queue " + index + " allows only " + numMax
                    + " descriptors; a request needs at least 3 and the driver uses 4 or more")
                    .request(RequestType.INIT).build();
        }
        return size;
    }

    /** Marks the device FAILED and frees what the queues hold. */
    private void abandon(VirtioBlkQueue[] queues) {
        try {
            transport.markFailed();
            if (queues != null) {
                for (VirtioBlkQueue queue : queues) {
                    queue.resources().release();
                }
            }
        } catch (PlatformException ignored) {
            // The initialisation error is the one worth reporting.
        }
    }
}
