package dev.vblk.virtio.blk;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.BlockDeviceInfo;
import dev.vblk.block.BlockingBlockDevice;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.block.RequestType;
import dev.vblk.platform.Platform;
import dev.vblk.platform.PlatformException;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.InterruptStatus;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.VirtioMmioTransport;
import dev.vblk.virtio.VirtioTransport;
import dev.vblk.virtio.queue.PackedVirtqueue;
import dev.vblk.virtio.queue.SplitVirtqueue;
import dev.vblk.virtio.queue.Virtqueue;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The virtio-blk driver: an {@link AsyncBlockDevice} over one {@link VirtioTransport}, reaching the
 * machine only through a {@link Platform}. It sets up one request queue, or with
 * {@link DriverOptions#maxQueues()} above 1 and VIRTIO_BLK_F_MQ offered, as many of the device's
 * queues as the options allow; each is a {@link VirtioBlkQueue} with its own ring, buffers and
 * requests ({@link #queue(int)}), for one submitting thread each. The device's own block calls are
 * those of queue 0, and its {@link BlockDevice} calls are {@link BlockingBlockDevice}'s, a thin layer
 * over the asynchronous ones.
 *
 * <p>Errors that leave the device in an unknown state (a timeout, DEVICE_NEEDS_RESET, a protocol
 * violation, a failed flush, a failing platform) make the device unusable: every later submission, on
 * any queue, fails with the same kind until {@link #reset()} brings it back. Requests the device still
 * holds keep their buffers until they complete or the device is reset, so a request that timed out does
 * not cost the others their data. {@link #close()} resets the device and gives back its queues and
 * buffers. Safe for concurrent callers: each queue takes one call at a time, and threads on different
 * queues do not wait for each other.
 */
public final class VirtioBlkDevice implements AsyncBlockDevice, BlockDevice, AutoCloseable {

    /** The virtio device ID of a block device. */
    public static final int DEVICE_TYPE = 2;

    private final Platform platform;
    private final VirtioTransport transport;
    private final MmioSlot slot;
    private final BlockDeviceId id;
    private final DriverOptions options;
    private final ErrorPolicy errors;

    private long features;
    private volatile VirtioBlkConfig config;
    private volatile BlockDeviceInfo info;
    private TransferLimits limits;
    private RequestLayout layout;
    private VirtioBlkQueue[] queues;

    private VirtioBlkDevice(Platform platform, VirtioTransport transport, MmioSlot slot, BlockDeviceId id,
            DriverOptions options) {
        this.platform = platform;
        this.transport = transport;
        this.slot = slot;
        this.id = id;
        this.options = options;
        this.errors = new ErrorPolicy(id);
    }

    /**
     * Checks that {@code slot} holds a modern virtio block device and initialises it: reset, feature
     * negotiation, queue and buffer setup, writeback cache on, DRIVER_OK.
     *
     * @throws BlockDeviceException if the slot holds no such device or initialisation fails
     */
    public static VirtioBlkDevice open(Platform platform, MmioSlot slot, DriverOptions options) {
        BlockDeviceId id = new BlockDeviceId(DEVICE_TYPE, slot.baseAddress());
        VirtioMmioTransport transport = new VirtioMmioTransport(platform, slot, id.toString());
        VirtioBlkDevice device = new VirtioBlkDevice(platform, transport, slot, id, options);
        device.initialising(() -> {
            transport.checkIdentity(DEVICE_TYPE);
            device.initialize();
        });
        return device;
    }

    /**
     * Initialises the block device behind a transport of any kind (such as virtio-pci) as
     * {@link #open(Platform, MmioSlot, DriverOptions)} does; whoever found the transport has checked
     * that it holds a block device.
     *
     * @param id names the device; errors and traces use it
     * @throws BlockDeviceException if initialisation fails
     */
    public static VirtioBlkDevice open(Platform platform, VirtioTransport transport, BlockDeviceId id,
            DriverOptions options) {
        VirtioBlkDevice device = new VirtioBlkDevice(platform, transport, null, id, options);
        device.initialising(device::initialize);
        return device;
    }

    @Override
    public BlockDeviceId id() {
        return id;
    }

    @Override
    public BlockDeviceInfo info() {
        return info;
    }

    /** The feature word agreed with the device. */
    public long negotiatedFeatures() {
        return features;
    }

    /** The configuration as last read from the device. */
    public VirtioBlkConfig config() {
        return config;
    }

    /** The virtio-mmio slot the device sits in; null for a device opened on another transport. */
    public MmioSlot slot() {
        return slot;
    }

    /** The largest transfer one request carries; longer calls are split into several requests. */
    public int maxTransferBytes() {
        return limits.maxTransferBytes();
    }

    /** How many requests queue 0 may hold at once: the options, its ring and its buffers allow. */
    public int maxInFlight() {
        return queues[0].maxInFlight();
    }

    /** How many request queues the driver set up: 1, or with MQ as many as the device and options allow. */
    public int queueCount() {
        return queues.length;
    }

    /**
     * Request queue {@code index}, a block device of its own for one submitting thread.
     *
     * @throws IndexOutOfBoundsException if there is no such queue
     */
    public VirtioBlkQueue queue(int index) {
        return queues[Objects.checkIndex(index, queues.length)];
    }

    /** The error that made the device unusable, if one did. */
    public Optional<BlockDeviceException> fatalError() {
        return errors.fatal();
    }

    // ---- the block calls, on queue 0 --------------------------------------------------------------

    @Override
    public void readAt(long sector, byte[] buffer) {
        queues[0].readAt(sector, buffer);
    }

    @Override
    public void writeAt(long sector, byte[] data) {
        queues[0].writeAt(sector, data);
    }

    @Override
    public void flush() {
        queues[0].flush();
    }

    @Override
    public void discard(long sector, long sectorCount) {
        queues[0].discard(sector, sectorCount);
    }

    @Override
    public void writeZeroes(long sector, long sectorCount) {
        queues[0].writeZeroes(sector, sectorCount);
    }

    @Override
    public String deviceIdString() {
        return queues[0].deviceIdString();
    }

    @Override
    public RequestHandle submitRead(long sector, byte[] buffer) {
        return queues[0].submitRead(sector, buffer);
    }

    @Override
    public RequestHandle submitWrite(long sector, byte[] data) {
        return queues[0].submitWrite(sector, data);
    }

    @Override
    public RequestHandle submitFlush() {
        return queues[0].submitFlush();
    }

    @Override
    public RequestHandle submitDiscard(long sector, long sectorCount) {
        return queues[0].submitDiscard(sector, sectorCount);
    }

    @Override
    public RequestHandle submitWriteZeroes(long sector, long sectorCount) {
        return queues[0].submitWriteZeroes(sector, sectorCount);
    }

    @Override
    public RequestHandle submitGetId(byte[] buffer) {
        return queues[0].submitGetId(buffer);
    }

    @Override
    public List<Completion> poll() {
        return queues[0].poll();
    }

    @Override
    public List<Completion> awaitAny(long budgetNanos) {
        return queues[0].awaitAny(budgetNanos);
    }

    @Override
    public List<Completion> awaitAll(Collection<RequestHandle> handles, long budgetNanos) {
        return queues[0].awaitAll(handles, budgetNanos);
    }

    @Override
    public int outstanding() {
        return queues[0].outstanding();
    }

    // ---- what the queues share --------------------------------------------------------------------

    /** The layout of every request buffer. */
    RequestLayout requestLayout() {
        return layout;
    }

    /** The longest physically contiguous run one descriptor carries. */
    int maxRunBytes() {
        return limits.maxRunBytes();
    }

    /** Throws DEVICE_NEEDS_RESET if the device status says so. */
    void checkNeedsReset() {
        int status = transport.status();
        if ((status & DeviceStatus.DEVICE_NEEDS_RESET) != 0) {
            throw new VirtioException(VirtioException.Kind.DEVICE_NEEDS_RESET, id.toString(),
                    "the device set DEVICE_NEEDS_RESET (status " + DeviceStatus.describe(status) + ")");
        }
    }

    /** Handles a configuration-change interrupt: DEVICE_NEEDS_RESET is checked, then the configuration re-read. */
    void configChanged() {
        checkNeedsReset();
        config = VirtioBlkConfig.read(transport, features);
        info = describe(config);
    }

    /** The sectors in {@code buffer}, which must hold whole sectors. */
    long checkBuffer(RequestType type, long sector, byte[] buffer) {
        if (buffer == null || buffer.length % SECTOR_SIZE != 0) {
            throw errors.error(ErrorKind.INVALID_ARGUMENT, "the buffer must hold whole 512-byte sectors, it has "
                    + (buffer == null ? "no array" : buffer.length + " bytes")).request(type, sector, 0).build();
        }
        return buffer.length / SECTOR_SIZE;
    }

    /** Refuses a change to a read-only device. */
    void checkWritable(RequestType type, long sector, long sectors) {
        if (info.readOnly()) {
            throw errors.error(ErrorKind.READ_ONLY, "the device is read-only").request(type, sector, sectors).build();
        }
    }

    /**
     * Checks a range against the capacity. When it reaches past it, a configuration change the device
     * has signalled (a resize) is looked for first, if the options say so.
     */
    void checkRange(RequestType type, long sector, long sectors) {
        if (!inRange(sector, sectors) && options.recheckCapacity()) {
            refreshSignalledConfig();
        }
        if (!inRange(sector, sectors)) {
            throw errors.error(ErrorKind.OUT_OF_RANGE, "the device has " + info.capacitySectors() + " sectors")
                    .request(type, sector, sectors).build();
        }
    }

    /**
     * Re-reads the configuration if the device has signalled a change; the interrupt is left pending
     * for its handler, which also checks DEVICE_NEEDS_RESET (and meets any error of the read again).
     */
    private void refreshSignalledConfig() {
        if (transport.interruptPending() && (transport.interruptStatus() & InterruptStatus.CONFIG_CHANGE) != 0) {
            try {
                config = VirtioBlkConfig.read(transport, features);
                info = describe(config);
            } catch (VirtioException e) {
                // Left for the interrupt handler, which reports it.
            }
        }
    }

    private boolean inRange(long sector, long sectors) {
        long capacity = info.capacitySectors();
        return sector >= 0 && sectors >= 0 && sector <= capacity && sectors <= capacity - sector;
    }

    // ---- reset and initialisation -----------------------------------------------------------------

    /**
     * Resets the device and initialises it again, releasing every buffer the device held: the way
     * back from DEVICE_NEEDS_RESET, a timeout or any other fatal error. Requests still in flight, on
     * every queue, are completed as {@link ErrorKind#ABORTED}. Waits for calls in progress on any
     * queue to return.
     *
     * @throws BlockDeviceException if the device cannot be initialised again
     */
    public void reset() {
        lockAll();
        try {
            errors.clear();
            abandonAll("the device was reset before the request completed");
            initialising(() -> {
                transport.reset();
                releaseMemory();
                initialize();
            });
        } finally {
            unlockAll();
        }
    }

    /**
     * Resets the device and gives back its queues and every DMA buffer, so that the frames can serve
     * another driver on the same machine. Requests still in flight complete as
     * {@link ErrorKind#ABORTED}; every later call fails with ABORTED until {@link #reset()} initialises
     * the device again. Closing a closed device does nothing.
     *
     * @throws BlockDeviceException of kind PLATFORM_ERROR if the platform fails while resetting (the
     *     memory is given back all the same)
     */
    @Override
    public void close() {
        lockAll();
        try {
            if (errors.closed()) {
                return;
            }
            abandonAll("the device was closed before the request completed");
            try {
                transport.reset();
            } finally {
                releaseMemory();
                errors.close();
            }
        } catch (PlatformException e) {
            throw errors.error(ErrorKind.PLATFORM_ERROR, "closing: " + e.getMessage()).build(e);
        } finally {
            unlockAll();
        }
    }

    private void lockAll() {
        for (VirtioBlkQueue queue : queues) {
            queue.lock();
        }
    }

    private void unlockAll() {
        for (int i = queues.length - 1; i >= 0; i--) {
            queues[i].unlock();
        }
    }

    private void abandonAll(String detail) {
        for (VirtioBlkQueue queue : queues) {
            queue.abandonAll(handle -> errors.about(handle, ErrorKind.ABORTED, detail).build());
        }
    }

    /** Runs the steps of initialisation; an error they meet is kept as the fatal one, and thrown. */
    private void initialising(Runnable steps) {
        try {
            steps.run();
        } catch (BlockDeviceException | VirtioException | PlatformException e) {
            errors.translate(e, RequestType.INIT, -1, 0);
        }
        errors.fatal().ifPresent(e -> {
            throw e;
        });
    }

    private void initialize() {
        try {
            long wanted = BlkFeatures.WANTED
                    | (options.indirectDescriptors() ? FeatureBits.bit(FeatureBits.INDIRECT_DESC) : 0)
                    | (options.eventIndex() ? FeatureBits.bit(FeatureBits.EVENT_IDX) : 0)
                    | (options.packedRing() ? FeatureBits.bit(FeatureBits.RING_PACKED) : 0)
                    | (options.maxQueues() > 1 ? FeatureBits.bit(BlkFeatures.MQ) : 0);
            features = transport.negotiate(wanted, 0);
            boolean indirect = FeatureBits.has(features, FeatureBits.INDIRECT_DESC);
            boolean eventIndex = FeatureBits.has(features, FeatureBits.EVENT_IDX);
            if (queues == null) {
                queues = new VirtioBlkQueue[queuesToUse()];
                for (int index = 0; index < queues.length; index++) {
                    queues[index] = new VirtioBlkQueue(this, index, platform, transport, options, errors);
                }
            } else {
                checkQueuesStillOffered();
            }
            int smallestRing = Integer.MAX_VALUE;
            for (VirtioBlkQueue queue : queues) {
                int index = queue.index();
                int size = chooseQueueSize(index, transport.queueNumMax(index));
                Virtqueue ring = FeatureBits.has(features, FeatureBits.RING_PACKED)
                        ? PackedVirtqueue.allocate(platform, index, size, id.toString(), indirect, eventIndex)
                        : SplitVirtqueue.allocate(platform, index, size, id.toString(), indirect, eventIndex);
                queue.attach(ring, null);
                transport.setupQueue(index, ring.size(), ring.descriptorArea(), ring.driverArea(), ring.deviceArea());
                smallestRing = Math.min(smallestRing, ring.size());
            }
            config = VirtioBlkConfig.read(transport, features);
            if (FeatureBits.has(features, BlkFeatures.CONFIG_WCE) && config.writeback() != 1) {
                transport.writeConfigU8(VirtioBlkConfig.WRITEBACK, 1);
                config = VirtioBlkConfig.read(transport, features);
            }
            limits = TransferLimits.compute(config.segMax(), config.sizeMax(), smallestRing, options.maxRequestBytes());
            if (limits == null) {
                throw errors.error(ErrorKind.UNSUPPORTED, "the device's limits (seg_max " + config.segMax() + ", size_max "
                        + config.sizeMax() + ") cannot carry one sector").request(RequestType.INIT).build();
            }
            layout = new RequestLayout(limits.maxTransferBytes(), indirect ? limits.maxDataSegments() + 2 : 0);
            for (VirtioBlkQueue queue : queues) {
                Virtqueue ring = queue.ring();
                queue.attach(ring, options.pooledBuffers()
                        ? RequestBuffers.pool(platform, id.toString(), layout, Math.min(options.maxInFlight(), ring.size()))
                        : RequestBuffers.perRequest(platform, id.toString(), layout));
            }
            info = describe(config);
            transport.driverOk();
        } catch (RuntimeException e) {
            abandonInitialisation();
            throw e;
        }
    }

    /** How many queues to set up: 1, or with MQ negotiated the device's num_queues capped by the options. */
    private int queuesToUse() {
        if (!FeatureBits.has(features, BlkFeatures.MQ)) {
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
    private void checkQueuesStillOffered() {
        if (queues.length == 1) {
            return;
        }
        int offered = FeatureBits.has(features, BlkFeatures.MQ)
                ? transport.readConfig(() -> transport.configU16(VirtioBlkConfig.NUM_QUEUES)) : 1;
        if (offered < queues.length) {
            throw errors.error(ErrorKind.PROTOCOL_VIOLATION, "after the reset the device offers " + offered
                    + " queue(s); " + queues.length + " are in use").request(RequestType.INIT).build();
        }
    }

    private void abandonInitialisation() {
        try {
            transport.markFailed();
            releaseMemory();
        } catch (PlatformException ignored) {
            // The initialisation error is the one worth reporting.
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

    private BlockDeviceInfo describe(VirtioBlkConfig current) {
        long blkSize = current.blkSize();
        boolean validBlockSize = blkSize >= SECTOR_SIZE && blkSize <= 65536 && Long.bitCount(blkSize) == 1;
        boolean flush = FeatureBits.has(features, BlkFeatures.FLUSH);
        boolean writeback = flush && (!FeatureBits.has(features, BlkFeatures.CONFIG_WCE) || current.writeback() == 1);
        return new BlockDeviceInfo(current.capacity(), validBlockSize ? (int) blkSize : SECTOR_SIZE,
                FeatureBits.has(features, BlkFeatures.RO), flush, writeback,
                FeatureBits.has(features, BlkFeatures.DISCARD), FeatureBits.has(features, BlkFeatures.WRITE_ZEROES));
    }

    private void releaseMemory() {
        if (queues == null) {
            return;
        }
        for (VirtioBlkQueue queue : queues) {
            queue.releaseMemory();
        }
    }
}
