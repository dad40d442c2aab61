package dev.vblk.virtio.blk;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.BlockDeviceInfo;
import dev.vblk.block.BlockLifetime;
import dev.vblk.block.BlockingBlockDevice;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.block.RequestType;
import dev.vblk.block.ZonedBlockDevice;
import dev.vblk.platform.Platform;
import dev.vblk.platform.PlatformException;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.VirtioMmioTransport;
import dev.vblk.virtio.VirtioTransport;
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
    private final DeviceState state;
    private final DeviceSetup setup;

    private TransferLimits limits;
    private VirtioBlkQueue[] queues;

    /** @param owner how errors name the device: {@code id}'s text, written once by the caller */
    private VirtioBlkDevice(Platform platform, VirtioTransport transport, MmioSlot slot, BlockDeviceId id,
            String owner, DriverOptions options) {
        this.platform = platform;
        this.transport = transport;
        this.slot = slot;
        this.id = id;
        this.options = options;
        this.errors = new ErrorPolicy(id);
        this.state = new DeviceState(transport, owner);
        this.setup = new DeviceSetup(platform, transport, owner, options, errors, state);
    }

    /**
     * Checks that {@code slot} holds a modern virtio block device and initialises it: reset, feature
     * negotiation, queue and buffer setup, writeback cache on, DRIVER_OK.
     *
     * @throws BlockDeviceException if the slot holds no such device or initialisation fails
     */
    public static VirtioBlkDevice open(Platform platform, MmioSlot slot, DriverOptions options) {
        BlockDeviceId id = new BlockDeviceId(DEVICE_TYPE, slot.baseAddress());
        String owner = id.toString();
        VirtioMmioTransport transport = new VirtioMmioTransport(platform, slot, owner);
        VirtioBlkDevice device = new VirtioBlkDevice(platform, transport, slot, id, owner, options);
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
        VirtioBlkDevice device = new VirtioBlkDevice(platform, transport, null, id, id.toString(), options);
        device.initialising(device::initialize);
        return device;
    }

    @Override
    public BlockDeviceId id() {
        return id;
    }

    @Override
    public BlockDeviceInfo info() {
        return state.info();
    }

    /** The feature word agreed with the device. */
    public long negotiatedFeatures() {
        return state.features();
    }

    /** The configuration as last read from the device. */
    public VirtioBlkConfig config() {
        return state.config();
    }

    /** The virtio-mmio slot the device sits in; null for a device opened on another transport. */
    public MmioSlot slot() {
        return slot;
    }

    /** The largest transfer one request carries; longer calls are split into several requests. */
    public int maxTransferBytes() {
        return limits.maxTransferBytes();
    }

    /**
     * The largest zone append one request carries, in bytes: the transfer limits with one data
     * descriptor and one sector set aside for the append_sector the device writes after the data
     * ({@link CallPlanner#zoneAppend}); 0 when not even one sector fits.
     */
    int maxAppendBytes() {
        if (limits.maxDataSegments() < 2) {
            return 0;
        }
        TransferLimits append = TransferLimits.compute(limits.maxDataSegments() - 1L,
                limits.maxRunBytes() == Integer.MAX_VALUE ? 0 : limits.maxRunBytes(), Integer.MAX_VALUE,
                limits.maxTransferBytes() - BlockDevice.SECTOR_SIZE);
        return append == null ? 0 : append.maxTransferBytes();
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

    /**
     * The zone commands, sent on queue 0, when VIRTIO_BLK_F_ZONED was negotiated
     * ({@link DriverOptions#withZoned}) and the device is host-managed or host-aware (its
     * characteristics in {@link BlockDeviceInfo#zoned()}); empty otherwise.
     */
    public Optional<ZonedBlockDevice> zoned() {
        return info().zoned().isPresent() ? Optional.of(new VirtioZonedDevice(this, queues[0])) : Optional.empty();
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
    public void secureErase(long sector, long sectorCount) {
        queues[0].secureErase(sector, sectorCount);
    }

    @Override
    public BlockLifetime lifetime() {
        return queues[0].lifetime();
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
    public RequestHandle submitSecureErase(long sector, long sectorCount) {
        return queues[0].submitSecureErase(sector, sectorCount);
    }

    @Override
    public RequestHandle submitGetLifetime(byte[] buffer) {
        return queues[0].submitGetLifetime(buffer);
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

    /** What the device says of itself, shared by its queues. */
    DeviceState state() {
        return state;
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
        DeviceSetup.Result done = setup.initialize(queues,
                index -> new VirtioBlkQueue(this, index, platform, transport, options, errors));
        queues = done.queues();
        limits = done.limits();
    }

    private void releaseMemory() {
        if (queues == null) {
            return;
        }
        for (VirtioBlkQueue queue : queues) {
            queue.resources().release();
        }
    }
}
