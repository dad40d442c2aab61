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
import dev.vblk.dma.PhysicalRun;
import dev.vblk.platform.LittleEndian;
import dev.vblk.platform.Platform;
import dev.vblk.platform.PlatformException;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.InterruptStatus;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.VirtioMmioTransport;
import dev.vblk.virtio.VirtioTransport;
import dev.vblk.virtio.queue.BufferSegment;
import dev.vblk.virtio.queue.PackedVirtqueue;
import dev.vblk.virtio.queue.SplitVirtqueue;
import dev.vblk.virtio.queue.UsedElement;
import dev.vblk.virtio.queue.Virtqueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The virtio-blk driver: an {@link AsyncBlockDevice} over one {@link VirtioTransport} and one
 * {@link Virtqueue}, reaching the machine only through a {@link Platform}; its {@link BlockDevice}
 * calls are {@link BlockingBlockDevice}'s, a thin layer over the asynchronous ones.
 *
 * <p>Each request is a chain of a 16-byte header, the data segments and a one-byte status, in a DMA
 * buffer of its own (from a pool set up at initialisation, or allocated per request) and, with
 * indirect descriptors, one ring slot. Up to {@link DriverOptions#maxInFlight()} requests are in
 * flight; submissions are published together and the device is notified once for them (or not, when
 * the event index says it need not be). Completions are found by interrupts or by polling
 * ({@link CompletionMode}); every request has a time and poll budget.
 *
 * <p>Errors that leave the device in an unknown state (a timeout, DEVICE_NEEDS_RESET, a protocol
 * violation, a failed flush, a failing platform) make the device unusable: every later submission
 * fails with the same kind until {@link #reset()} brings it back. Requests the device still holds
 * keep their buffers until they complete or the device is reset, so a request that timed out does not
 * cost the others their data. A completion whose interrupt never came is still found: before a request
 * is declared timed out, the used ring is read once more. {@link #close()} resets the device and gives
 * back its queue and buffers. Not safe for concurrent callers: a second thread entering a device that
 * is in use fails with an {@link IllegalStateException}.
 */
public final class VirtioBlkDevice implements AsyncBlockDevice, BlockDevice, AutoCloseable {

    static final int RANGE_SEGMENT_BYTES = 16;
    /** The virtio device ID of a block device. */
    public static final int DEVICE_TYPE = 2;
    private static final int QUEUE = 0;

    private final Platform platform;
    private final VirtioTransport transport;
    private final MmioSlot slot;
    private final BlockDeviceId id;
    private final DriverOptions options;
    private final ErrorPolicy errors;
    private final BlockingBlockDevice blocking = new BlockingBlockDevice(this);

    private long features;
    private VirtioBlkConfig config;
    private BlockDeviceInfo info;
    private Virtqueue queue;
    private TransferLimits limits;
    private RequestLayout layout;
    private RequestBuffers buffers;
    private final InFlightRequests requests = new InFlightRequests();
    private final AtomicReference<Thread> user = new AtomicReference<>();
    private long nextHandle = 1;
    private long pollCount;

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

    /** How many requests the device may hold at once: the options, the queue and the buffers allow. */
    public int maxInFlight() {
        return Math.min(Math.min(options.maxInFlight(), queue.size()), buffers.capacity());
    }

    /** The error that made the device unusable, if one did. */
    public Optional<BlockDeviceException> fatalError() {
        return errors.fatal();
    }

    // ---- the synchronous calls --------------------------------------------------------------------

    @Override
    public void readAt(long sector, byte[] buffer) {
        blocking.readAt(sector, buffer);
    }

    @Override
    public void writeAt(long sector, byte[] data) {
        blocking.writeAt(sector, data);
    }

    @Override
    public void flush() {
        blocking.flush();
    }

    @Override
    public void discard(long sector, long sectorCount) {
        blocking.discard(sector, sectorCount);
    }

    @Override
    public void writeZeroes(long sector, long sectorCount) {
        blocking.writeZeroes(sector, sectorCount);
    }

    @Override
    public String deviceIdString() {
        return blocking.deviceIdString();
    }

    // ---- submissions ------------------------------------------------------------------------------

    @Override
    public RequestHandle submitRead(long sector, byte[] buffer) {
        long sectors = checkBuffer(RequestType.READ, sector, buffer);
        return submit(RequestType.READ, sector, sectors, call -> {
            checkRange(RequestType.READ, sector, sectors);
            split(call, BlkRequest.T_IN, sector, buffer, true);
        });
    }

    @Override
    public RequestHandle submitWrite(long sector, byte[] data) {
        long sectors = checkBuffer(RequestType.WRITE, sector, data);
        return submit(RequestType.WRITE, sector, sectors, call -> {
            checkWritable(RequestType.WRITE, sector, sectors);
            checkRange(RequestType.WRITE, sector, sectors);
            split(call, BlkRequest.T_OUT, sector, data, false);
        });
    }

    @Override
    public RequestHandle submitFlush() {
        return submit(RequestType.FLUSH, -1, 0, call -> {
            if (FeatureBits.has(features, BlkFeatures.FLUSH)) {
                requests.enqueue(new BlkRequest(call, BlkRequest.T_FLUSH, 0, 0, null, 0, 0, false));
            }
        });
    }

    @Override
    public RequestHandle submitDiscard(long sector, long sectorCount) {
        return rangeCommand(RequestType.DISCARD, BlkRequest.T_DISCARD, BlkFeatures.DISCARD, sector, sectorCount);
    }

    @Override
    public RequestHandle submitWriteZeroes(long sector, long sectorCount) {
        return rangeCommand(RequestType.WRITE_ZEROES, BlkRequest.T_WRITE_ZEROES, BlkFeatures.WRITE_ZEROES, sector,
                sectorCount);
    }

    @Override
    public RequestHandle submitGetId(byte[] buffer) {
        if (buffer == null || buffer.length != ID_BYTES) {
            throw errors.error(ErrorKind.INVALID_ARGUMENT, "the identification buffer must have " + ID_BYTES + " bytes")
                    .request(RequestType.GET_ID).build();
        }
        return submit(RequestType.GET_ID, -1, 0,
                call -> requests.enqueue(new BlkRequest(call, BlkRequest.T_GET_ID, 0, 0, buffer, 0, ID_BYTES, true)));
    }

    private RequestHandle rangeCommand(RequestType type, int typeCode, int feature, long sector, long sectorCount) {
        return submit(type, sector, sectorCount, call -> {
            if (!FeatureBits.has(features, feature)) {
                throw errors.error(ErrorKind.UNSUPPORTED, "the device does not offer " + BlkFeatures.NAMES.get(feature))
                        .request(type, sector, sectorCount).build();
            }
            if (sector < 0 || sectorCount < 0) {
                throw errors.error(ErrorKind.INVALID_ARGUMENT, "negative sector or count")
                        .request(type, sector, sectorCount).build();
            }
            checkWritable(type, sector, sectorCount);
            checkRange(type, sector, sectorCount);
            long limit = type == RequestType.DISCARD ? config.maxDiscardSectors() : config.maxWriteZeroesSectors();
            long perRequest = limit > 0 ? Math.min(limit, 0xffff_ffffL) : 0xffff_ffffL;
            for (long done = 0; done < sectorCount; done += perRequest) {
                long count = Math.min(perRequest, sectorCount - done);
                byte[] range = new byte[RANGE_SEGMENT_BYTES];
                LittleEndian.put(range, 0, 8, sector + done);
                LittleEndian.put(range, 8, 4, count);
                requests.enqueue(new BlkRequest(call, typeCode, sector + done, count, range, 0, RANGE_SEGMENT_BYTES, false));
            }
        });
    }

    /** Splits a read or write into requests no larger than the transfer limit. */
    private void split(InFlightRequests.Call call, int typeCode, long sector, byte[] buffer, boolean read) {
        int max = limits.maxTransferBytes();
        for (int offset = 0; offset < buffer.length; offset += max) {
            int bytes = Math.min(max, buffer.length - offset);
            requests.enqueue(new BlkRequest(call, typeCode, sector + offset / SECTOR_SIZE, bytes / SECTOR_SIZE,
                    buffer, offset, bytes, read));
        }
    }

    /** What a submission adds to the call: its requests, after its own checks. */
    private interface CallBuilder {
        void build(InFlightRequests.Call call);
    }

    /**
     * Submits one call under the error policy: refused while the device is unusable; the requests the
     * builder enqueues are posted as far as slots allow. A failure while posting completes the call
     * with that error rather than throwing.
     */
    private RequestHandle submit(RequestType type, long sector, long sectors, CallBuilder builder) {
        enter();
        try {
            errors.checkUsable(type, sector, sectors);
            RequestHandle handle = new RequestHandle(nextHandle, type, Math.max(sector, 0), sectors);
            InFlightRequests.Call call = requests.open(handle);
            try {
                builder.build(call);
            } catch (RuntimeException e) {
                requests.withdraw(call);
                throw e instanceof BlockDeviceException blockError ? errors.note(blockError, type)
                        : errors.translate(e, type, sector, sectors);
            }
            nextHandle++;
            requests.completeNow(call);
            underPolicy(type, sector, sectors, this::postWaiting);
            return handle;
        } finally {
            leave();
        }
    }

    // ---- completions ------------------------------------------------------------------------------

    @Override
    public List<Completion> poll() {
        enter();
        try {
            if (requests.posted() > 0) {
                underPolicy(null, -1, 0, () -> {
                    publish();
                    if (options.completion() == CompletionMode.INTERRUPTS) {
                        if (transport.interruptPending()) {
                            handleInterrupt();
                        }
                    } else {
                        collect();
                    }
                });
            }
            return requests.deliverAll();
        } finally {
            leave();
        }
    }

    @Override
    public List<Completion> awaitAny(long budgetNanos) {
        enter();
        try {
            await(() -> requests.anyReady() || requests.outstanding() == 0, budgetNanos);
            return requests.deliverAll();
        } finally {
            leave();
        }
    }

    @Override
    public List<Completion> awaitAll(Collection<RequestHandle> handles, long budgetNanos) {
        enter();
        try {
            await(() -> handles.stream().allMatch(requests::isReady), budgetNanos);
            return requests.deliver(handles);
        } finally {
            leave();
        }
    }

    @Override
    public int outstanding() {
        return requests.outstanding();
    }

    /**
     * Waits until {@code done} holds, the budget runs out, or nothing is left in flight. Requests
     * whose own time or poll budget runs out fail with TIMEOUT; a failure of the ring or the platform
     * ends every request the device holds.
     */
    private void await(BooleanSupplier done, long budgetNanos) {
        underPolicy(null, -1, 0, () -> {
            publish();
            long waitDeadline = budgetNanos == NO_TIME_BUDGET ? 0 : platform.nanoTime() + budgetNanos;
            while (!done.getAsBoolean() && requests.posted() > 0) {
                if (options.completion() == CompletionMode.POLLING && collect()) {
                    continue;
                }
                BlkRequest oldest = requests.oldest();
                boolean pollsSpent = oldest != null && pollCount - oldest.postedAtPoll >= options.maxPollsPerRequest();
                long now = pollsSpent || (oldest == null && budgetNanos == NO_TIME_BUDGET) ? 0 : platform.nanoTime();
                if (oldest != null && (pollsSpent || now - oldest.deadline >= 0)) {
                    if (options.completion() == CompletionMode.INTERRUPTS && takeUsed()) {
                        continue;
                    }
                    timedOut(oldest);
                    continue;
                }
                if (budgetNanos != NO_TIME_BUDGET && now - waitDeadline >= 0) {
                    return;
                }
                if (options.completion() == CompletionMode.POLLING) {
                    if (transport.awaitInterrupt(options.pollIntervalNanos())) {
                        handleInterrupt();
                    }
                } else {
                    waitForInterrupt(oldest, now, budgetNanos == NO_TIME_BUDGET ? Long.MAX_VALUE : waitDeadline);
                }
            }
        });
    }

    /** Polls the used ring once; whether anything came back. */
    private boolean collect() {
        pollCount++;
        return takeUsed();
    }

    /**
     * Finishes what the used ring holds (with interrupts, completions whose interrupt never came);
     * whether there was anything.
     */
    private boolean takeUsed() {
        List<UsedElement> used = queue.collectUsed();
        if (used.isEmpty()) {
            return false;
        }
        drainInterrupts();
        finishAll(used);
        return true;
    }

    private void waitForInterrupt(BlkRequest oldest, long now, long waitDeadline) {
        if (queue.enableUsedNotification()) {
            finishAll(queue.collectUsed());
            drainInterrupts();
            return;
        }
        long until = oldest == null ? waitDeadline : Math.min(oldest.deadline, waitDeadline);
        pollCount++;
        if (transport.awaitInterrupt(Math.max(0, until - now))) {
            handleInterrupt();
        }
    }

    private void timedOut(BlkRequest oldest) {
        checkNeedsReset();
        requests.returned(oldest.token);
        buffers.abandon(oldest.buffer);
        BlockDeviceException timeout = errors.note(errors.about(oldest.type(), oldest.sector, oldest.sectorCount,
                ErrorKind.TIMEOUT, "no completion after " + (pollCount - oldest.postedAtPoll) + " polls within "
                        + options.requestTimeoutNanos() / 1_000_000 + " ms").build(), oldest.type());
        requests.finished(oldest, timeout);
        requests.failWaiting(timeout);
    }

    /** Handles an interrupt that is already pending, without waiting for one. */
    private void drainInterrupts() {
        if (transport.interruptPending()) {
            handleInterrupt();
        }
    }

    /**
     * Reads and acknowledges InterruptStatus once; a configuration change is checked for
     * DEVICE_NEEDS_RESET and re-read; with interrupt-driven completion, a used-buffer interrupt takes
     * every completion there is.
     */
    private void handleInterrupt() {
        int status = transport.interruptStatus();
        if (status == 0) {
            return;
        }
        transport.acknowledgeInterrupt(status);
        if ((status & InterruptStatus.CONFIG_CHANGE) != 0) {
            checkNeedsReset();
            config = VirtioBlkConfig.read(transport, features);
            info = describe(config);
        }
        if ((status & InterruptStatus.USED_BUFFER) != 0 && options.completion() == CompletionMode.INTERRUPTS) {
            finishAll(queue.collectUsed());
        }
    }

    private void checkNeedsReset() {
        int status = transport.status();
        if ((status & DeviceStatus.DEVICE_NEEDS_RESET) != 0) {
            throw new VirtioException(VirtioException.Kind.DEVICE_NEEDS_RESET, id.toString(),
                    "the device set DEVICE_NEEDS_RESET (status " + DeviceStatus.describe(status) + ")");
        }
    }

    /**
     * Finishes the returned requests; when the queue met a violation after them, throws it at once,
     * so that the call that met it reports it rather than a later one.
     */
    private void finishAll(List<UsedElement> used) {
        for (UsedElement element : used) {
            BlkRequest request = requests.returned(element.id());
            if (request != null) {
                finish(request, element.length());
            }
        }
        if (queue.violationPending()) {
            queue.collectUsed();
        }
        postWaiting();
        publish();
    }

    /** Checks a returned request's status byte and length, copies what it read, frees its buffer. */
    private void finish(BlkRequest request, int usedLength) {
        RequestBuffers.RequestBuffer buffer = request.buffer;
        int capacity = buffer.dataCapacity();
        int status = platform.readU8(buffer.dma().address(RequestLayout.statusOffset(capacity)));
        BlockDeviceException error = errors.statusError(status, request.type(), request.sector, request.sectorCount);
        if (error == null && request.deviceWrites && request.dataBytes > 0) {
            if (usedLength != request.dataBytes + 1) {
                error = errors.error(ErrorKind.PROTOCOL_VIOLATION, "the device reported success but wrote "
                        + usedLength + " of " + (request.dataBytes + 1) + " bytes")
                        .request(request.type(), request.sector, request.sectorCount).build();
            } else {
                buffer.dma().read(platform, 0, request.data, request.dataOffset, request.dataBytes);
            }
        }
        buffers.release(buffer);
        request.buffer = null;
        if (error != null) {
            errors.note(error, request.type());
        }
        requests.finished(request, error);
        if (error != null && ErrorPolicy.isFatal(error.kind())) {
            requests.failWaiting(error);
        }
    }

    // ---- posting ----------------------------------------------------------------------------------

    /**
     * Posts waiting requests while a slot, a buffer and enough descriptors are free. With polling, a
     * pending interrupt is handled first, as the first, one-request-at-a-time driver did before every
     * request (with interrupts, waiting handles them).
     */
    private void postWaiting() {
        if (errors.fatal().isPresent()) {
            requests.failWaiting(errors.fatal().get());
            return;
        }
        if (requests.nextWaiting() == null || !canPost()) {
            return;
        }
        if (options.completion() == CompletionMode.POLLING) {
            drainInterrupts();
        }
        while (requests.nextWaiting() != null && canPost()) {
            BlkRequest request = requests.nextWaiting();
            try {
                if (!post(request)) {
                    return;
                }
            } catch (VirtioException e) {
                if (e.kind() != VirtioException.Kind.OUT_OF_MEMORY) {
                    throw e;
                }
                requests.removeWaiting(request);
                requests.finished(request, errors.translate(e, request.type(), request.sector, request.sectorCount));
            }
        }
    }

    private boolean canPost() {
        return requests.posted() < maxInFlight() && buffers.available();
    }

    /**
     * Places one request in a buffer and makes it available to the device; false (nothing written)
     * when its chain needs more descriptors than are free.
     */
    private boolean post(BlkRequest request) {
        RequestBuffers.RequestBuffer buffer = buffers.acquire(request.dataBytes);
        int capacity = buffer.dataCapacity();
        List<BufferSegment> chain = chain(buffer, request);
        if (queue.descriptorsFor(chain.size()) > queue.freeDescriptors()) {
            if (requests.posted() > 0) {
                buffers.release(buffer);
                return false;
            }
            buffers.release(buffer);
            throw new VirtioException(VirtioException.Kind.OUT_OF_MEMORY, id.toString(), "the request needs "
                    + chain.size() + " descriptors, " + queue.freeDescriptors() + " are free");
        }
        if (request.dataBytes > 0 && !request.deviceWrites) {
            buffer.dma().write(platform, 0, request.data, request.dataOffset, request.dataBytes);
        }
        byte[] header = new byte[RequestLayout.HEADER_BYTES + 1];
        LittleEndian.put(header, 0, 4, request.typeCode);
        LittleEndian.put(header, 8, 8, request.headerSector());
        header[RequestLayout.HEADER_BYTES] = (byte) ErrorPolicy.STATUS_UNWRITTEN;
        buffer.dma().write(platform, RequestLayout.headerOffset(capacity), header, 0, header.length);
        request.buffer = buffer;
        int token = queue.submit(chain, layout.tableEntries() > 0
                ? buffer.dma().address(RequestLayout.tableOffset(capacity)) : 0);
        requests.posted(request, token);
        return true;
    }

    private List<BufferSegment> chain(RequestBuffers.RequestBuffer buffer, BlkRequest request) {
        int capacity = buffer.dataCapacity();
        List<BufferSegment> chain = new ArrayList<>();
        chain.add(new BufferSegment(buffer.dma().address(RequestLayout.headerOffset(capacity)),
                RequestLayout.HEADER_BYTES, false));
        if (request.dataBytes > 0) {
            for (PhysicalRun run : buffer.dma().segments(0, request.dataBytes, limits.maxRunBytes())) {
                chain.add(new BufferSegment(run.address(), run.length(), request.deviceWrites));
            }
        }
        chain.add(new BufferSegment(buffer.dma().address(RequestLayout.statusOffset(capacity)), 1, true));
        return chain;
    }

    /** Notifies the device of the requests posted since the last call (when it wants it) and starts their budgets. */
    private void publish() {
        if (!requests.hasUnpublished()) {
            return;
        }
        if (queue.notificationNeeded()) {
            transport.notifyQueue(QUEUE);
        }
        requests.published(platform.nanoTime(), options.requestTimeoutNanos(), pollCount);
    }

    // ---- reset and initialisation -----------------------------------------------------------------

    /**
     * Resets the device and initialises it again, releasing every buffer the device held: the way
     * back from DEVICE_NEEDS_RESET, a timeout or any other fatal error. Requests still in flight are
     * completed as {@link ErrorKind#ABORTED}.
     *
     * @throws BlockDeviceException if the device cannot be initialised again
     */
    public void reset() {
        enter();
        try {
            errors.clear();
            requests.abandonAll(handle -> errors.about(handle, ErrorKind.ABORTED,
                    "the device was reset before the request completed").build());
            initialising(() -> {
                transport.reset();
                releaseMemory();
                initialize();
            });
        } finally {
            leave();
        }
    }

    /**
     * Resets the device and gives back its queue and every DMA buffer, so that the frames can serve
     * another driver on the same machine. Requests still in flight complete as
     * {@link ErrorKind#ABORTED}; every later call fails with ABORTED until {@link #reset()} initialises
     * the device again. Closing a closed device does nothing.
     *
     * @throws BlockDeviceException of kind PLATFORM_ERROR if the platform fails while resetting (the
     *     memory is given back all the same)
     */
    @Override
    public void close() {
        enter();
        try {
            if (errors.closed()) {
                return;
            }
            requests.abandonAll(handle -> errors.about(handle, ErrorKind.ABORTED,
                    "the device was closed before the request completed").build());
            try {
                transport.reset();
            } finally {
                releaseMemory();
                errors.close();
            }
        } catch (PlatformException e) {
            throw errors.error(ErrorKind.PLATFORM_ERROR, "closing: " + e.getMessage()).build(e);
        } finally {
            leave();
        }
    }

    private void initialising(Runnable steps) {
        underPolicy(RequestType.INIT, -1, 0, steps);
        errors.fatal().ifPresent(e -> {
            throw e;
        });
    }

    private void initialize() {
        try {
            long wanted = BlkFeatures.WANTED
                    | (options.indirectDescriptors() ? FeatureBits.bit(FeatureBits.INDIRECT_DESC) : 0)
                    | (options.eventIndex() ? FeatureBits.bit(FeatureBits.EVENT_IDX) : 0)
                    | (options.packedRing() ? FeatureBits.bit(FeatureBits.RING_PACKED) : 0);
            features = transport.negotiate(wanted, 0);
            boolean indirect = FeatureBits.has(features, FeatureBits.INDIRECT_DESC);
            boolean eventIndex = FeatureBits.has(features, FeatureBits.EVENT_IDX);
            int queueSize = chooseQueueSize(transport.queueNumMax(QUEUE));
            queue = FeatureBits.has(features, FeatureBits.RING_PACKED)
                    ? PackedVirtqueue.allocate(platform, QUEUE, queueSize, id.toString(), indirect, eventIndex)
                    : SplitVirtqueue.allocate(platform, QUEUE, queueSize, id.toString(), indirect, eventIndex);
            transport.setupQueue(QUEUE, queue.size(), queue.descriptorArea(), queue.driverArea(), queue.deviceArea());
            config = VirtioBlkConfig.read(transport, features);
            if (FeatureBits.has(features, BlkFeatures.CONFIG_WCE) && config.writeback() != 1) {
                transport.writeConfigU8(VirtioBlkConfig.WRITEBACK, 1);
                config = VirtioBlkConfig.read(transport, features);
            }
            limits = TransferLimits.compute(config.segMax(), config.sizeMax(), queue.size(), options.maxRequestBytes());
            if (limits == null) {
                throw errors.error(ErrorKind.UNSUPPORTED, "the device's limits (seg_max " + config.segMax() + ", size_max "
                        + config.sizeMax() + ") cannot carry one sector").request(RequestType.INIT).build();
            }
            layout = new RequestLayout(limits.maxTransferBytes(), indirect ? limits.maxDataSegments() + 2 : 0);
            buffers = options.pooledBuffers()
                    ? RequestBuffers.pool(platform, id.toString(), layout, Math.min(options.maxInFlight(), queue.size()))
                    : RequestBuffers.perRequest(platform, id.toString(), layout);
            info = describe(config);
            transport.driverOk();
        } catch (RuntimeException e) {
            abandonInitialisation();
            throw e;
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

    private int chooseQueueSize(int numMax) {
        if (numMax <= 0) {
            throw errors.error(ErrorKind.PROTOCOL_VIOLATION, "queue " + QUEUE + " is not available (QueueNumMax reads "
                    + Integer.toUnsignedString(numMax) + ")").request(RequestType.INIT).build();
        }
        int size = Integer.highestOneBit(Math.min(numMax, options.maxQueueSize()));
        if (size < 4) {
            throw errors.error(ErrorKind.UNSUPPORTED, "queue " + QUEUE + " allows only " + numMax
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
        if (queue != null) {
            queue.release();
            queue = null;
        }
        if (buffers != null) {
            buffers.releaseAll();
            buffers = null;
        }
    }

    // ---- argument checks and the error policy -----------------------------------------------------

    private long checkBuffer(RequestType type, long sector, byte[] buffer) {
        if (buffer == null || buffer.length % SECTOR_SIZE != 0) {
            throw errors.error(ErrorKind.INVALID_ARGUMENT, "the buffer must hold whole 512-byte sectors, it has "
                    + (buffer == null ? "no array" : buffer.length + " bytes")).request(type, sector, 0).build();
        }
        return buffer.length / SECTOR_SIZE;
    }

    private void checkWritable(RequestType type, long sector, long sectors) {
        if (info.readOnly()) {
            throw errors.error(ErrorKind.READ_ONLY, "the device is read-only").request(type, sector, sectors).build();
        }
    }

    /**
     * Checks a range against the capacity. When it reaches past it, a configuration change the device
     * has signalled (a resize) is looked for first, if the options say so.
     */
    private void checkRange(RequestType type, long sector, long sectors) {
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

    /**
     * Runs driver work under the error policy: a block error is noted, a virtio-level or platform
     * failure becomes a block error; a fatal one ends every request the device holds, whose buffers
     * stay apart until a reset. During initialisation the error is kept as the fatal one.
     */
    private void underPolicy(RequestType type, long sector, long sectors, Runnable work) {
        try {
            work.run();
        } catch (BlockDeviceException | VirtioException | PlatformException e) {
            BlockDeviceException error = errors.translate(e, type, sector, sectors);
            if (type == RequestType.INIT) {
                return;
            }
            if (!ErrorPolicy.isFatal(error.kind())) {
                throw error;
            }
            List<BlkRequest> held = requests.abandonAll(handle -> e instanceof PlatformException
                    ? errors.about(handle, ErrorKind.PLATFORM_ERROR, e.getMessage()).build(e) : error);
            for (BlkRequest request : held) {
                buffers.abandon(request.buffer);
            }
        }
    }

    private void enter() {
        Thread current = Thread.currentThread();
        while (!user.compareAndSet(null, current)) {
            Thread holder = user.get();
            if (holder == current) {
                return;
            }
            if (holder != null) {
                throw new IllegalStateException(id + " is in use by thread '" + holder.getName()
                        + "'; a device takes calls from one thread at a time");
            }
        }
    }

    private void leave() {
        user.set(null);
    }
}
