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
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.InterruptStatus;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.VirtioTransport;
import dev.vblk.virtio.queue.BufferSegment;
import dev.vblk.virtio.queue.UsedElement;
import dev.vblk.virtio.queue.Virtqueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * One request queue of a {@link VirtioBlkDevice}, used as a block device of its own: its own
 * {@link Virtqueue}, DMA buffer pool and in-flight requests, so that threads on different queues share
 * no lock and no allocation on the submission and completion paths. A queue takes calls from several
 * threads, one at a time (a thread waiting for completions holds its queue); give each submitting
 * thread a queue of its own. What every queue shares is the device's: its configuration, and its
 * fatal error, which makes every queue refuse new calls until the device is reset.
 *
 * <p>Each request is a chain of a 16-byte header, the data segments and a one-byte status, in a DMA
 * buffer of its own (from the queue's pool, or allocated per request) and, with indirect descriptors,
 * one ring slot. Submissions are published together and the device is notified once for them (or not,
 * when the event index says it need not be). Completions are found by interrupts or by polling
 * ({@link CompletionMode}); every request has a time and poll budget. A completion whose interrupt
 * never came is still found: before a request is declared timed out, the used ring is read once more.
 * On a device with several queues the one interrupt line serves them all, so a queue waits for it in
 * slices of {@link DriverOptions#pollIntervalNanos()} and reads its own used ring after each.
 */
public final class VirtioBlkQueue implements AsyncBlockDevice, BlockDevice {

    private final VirtioBlkDevice device;
    private final int index;
    private final Platform platform;
    private final VirtioTransport transport;
    private final DriverOptions options;
    private final ErrorPolicy errors;
    private final ReentrantLock lock = new ReentrantLock();
    private final BlockingBlockDevice blocking = new BlockingBlockDevice(this);
    private final InFlightRequests requests = new InFlightRequests();

    private Virtqueue ring;
    private RequestBuffers buffers;
    private long callsAccepted;
    private long pollCount;

    VirtioBlkQueue(VirtioBlkDevice device, int index, Platform platform, VirtioTransport transport,
            DriverOptions options, ErrorPolicy errors) {
        this.device = device;
        this.index = index;
        this.platform = platform;
        this.transport = transport;
        this.options = options;
        this.errors = errors;
    }

    /** The queue's number on the device, from 0. */
    public int index() {
        return index;
    }

    @Override
    public BlockDeviceId id() {
        return device.id();
    }

    @Override
    public BlockDeviceInfo info() {
        return device.info();
    }

    /** How many requests the queue may hold at once: the options, the ring and the buffers allow. */
    public int maxInFlight() {
        return Math.min(Math.min(options.maxInFlight(), ring.size()), buffers.capacity());
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
        long sectors = device.checkBuffer(RequestType.READ, sector, buffer);
        return submit(RequestType.READ, sector, sectors, call -> {
            device.checkRange(RequestType.READ, sector, sectors);
            split(call, BlkRequest.T_IN, sector, buffer, true);
        });
    }

    @Override
    public RequestHandle submitWrite(long sector, byte[] data) {
        long sectors = device.checkBuffer(RequestType.WRITE, sector, data);
        return submit(RequestType.WRITE, sector, sectors, call -> {
            device.checkWritable(RequestType.WRITE, sector, sectors);
            device.checkRange(RequestType.WRITE, sector, sectors);
            split(call, BlkRequest.T_OUT, sector, data, false);
        });
    }

    @Override
    public RequestHandle submitFlush() {
        return submit(RequestType.FLUSH, -1, 0, call -> {
            if (FeatureBits.has(device.negotiatedFeatures(), BlkFeatures.FLUSH)) {
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
            if (!FeatureBits.has(device.negotiatedFeatures(), feature)) {
                throw errors.error(ErrorKind.UNSUPPORTED, "the device does not offer " + BlkFeatures.NAMES.get(feature))
                        .request(type, sector, sectorCount).build();
            }
            if (sector < 0 || sectorCount < 0) {
                throw errors.error(ErrorKind.INVALID_ARGUMENT, "negative sector or count")
                        .request(type, sector, sectorCount).build();
            }
            device.checkWritable(type, sector, sectorCount);
            device.checkRange(type, sector, sectorCount);
            VirtioBlkConfig config = device.config();
            long limit = type == RequestType.DISCARD ? config.maxDiscardSectors() : config.maxWriteZeroesSectors();
            long perRequest = limit > 0 ? Math.min(limit, 0xffff_ffffL) : 0xffff_ffffL;
            for (long done = 0; done < sectorCount; done += perRequest) {
                long count = Math.min(perRequest, sectorCount - done);
                byte[] range = new byte[VirtioBlkDevice.RANGE_SEGMENT_BYTES];
                LittleEndian.put(range, 0, 8, sector + done);
                LittleEndian.put(range, 8, 4, count);
                requests.enqueue(new BlkRequest(call, typeCode, sector + done, count, range, 0,
                        VirtioBlkDevice.RANGE_SEGMENT_BYTES, false));
            }
        });
    }

    /** Splits a read or write into requests no larger than the transfer limit. */
    private void split(InFlightRequests.Call call, int typeCode, long sector, byte[] buffer, boolean read) {
        int max = device.maxTransferBytes();
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
     * with that error rather than throwing. Handles are numbered across the device's queues: the
     * n-th call accepted by queue q of Q is {@code n * Q + q + 1}.
     */
    private RequestHandle submit(RequestType type, long sector, long sectors, CallBuilder builder) {
        lock.lock();
        try {
            errors.checkUsable(type, sector, sectors);
            long handleId = callsAccepted * device.queueCount() + index + 1;
            RequestHandle handle = new RequestHandle(handleId, type, Math.max(sector, 0), sectors);
            InFlightRequests.Call call = requests.open(handle);
            try {
                builder.build(call);
            } catch (RuntimeException e) {
                requests.withdraw(call);
                throw e instanceof BlockDeviceException blockError ? errors.note(blockError, type)
                        : errors.translate(e, type, sector, sectors);
            }
            callsAccepted++;
            requests.completeNow(call);
            underPolicy(type, sector, sectors, this::postWaiting);
            return handle;
        } finally {
            lock.unlock();
        }
    }

    // ---- completions ------------------------------------------------------------------------------

    @Override
    public List<Completion> poll() {
        lock.lock();
        try {
            if (requests.posted() > 0) {
                underPolicy(null, -1, 0, () -> {
                    publish();
                    if (options.completion() == CompletionMode.INTERRUPTS) {
                        if (transport.interruptPending()) {
                            handleInterrupt();
                        } else if (sharesInterrupts()) {
                            finishAll(ring.collectUsed());
                        }
                    } else {
                        collect();
                    }
                });
            }
            return requests.deliverAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Completion> awaitAny(long budgetNanos) {
        lock.lock();
        try {
            await(() -> requests.anyReady() || requests.outstanding() == 0, budgetNanos);
            return requests.deliverAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<Completion> awaitAll(Collection<RequestHandle> handles, long budgetNanos) {
        lock.lock();
        try {
            await(() -> handles.stream().allMatch(requests::isReady), budgetNanos);
            return requests.deliver(handles);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int outstanding() {
        lock.lock();
        try {
            return requests.outstanding();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until {@code done} holds, the budget runs out, or nothing is left in flight. Requests
     * whose own time or poll budget runs out fail with TIMEOUT; a failure of the ring or the platform
     * ends every request the queue holds.
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
        List<UsedElement> used = ring.collectUsed();
        if (used.isEmpty()) {
            return false;
        }
        drainInterrupts();
        finishAll(used);
        return true;
    }

    private void waitForInterrupt(BlkRequest oldest, long now, long waitDeadline) {
        if (ring.enableUsedNotification()) {
            finishAll(ring.collectUsed());
            drainInterrupts();
            return;
        }
        long until = oldest == null ? waitDeadline : Math.min(oldest.deadline, waitDeadline);
        if (sharesInterrupts()) {
            until = Math.min(until, now + options.pollIntervalNanos());
        }
        pollCount++;
        if (transport.awaitInterrupt(Math.max(0, until - now))) {
            handleInterrupt();
        }
    }

    /** Whether other queues share the interrupt line, so that another queue's thread may take its interrupt. */
    private boolean sharesInterrupts() {
        return device.queueCount() > 1;
    }

    private void timedOut(BlkRequest oldest) {
        device.checkNeedsReset();
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
     * every completion there is, and so does a wake-up whose InterruptStatus reads 0 (a raised line
     * with no cause to read stays raised, so without looking at the used ring each wait would spend a
     * poll and a released completion would wait for its request's poll budget to run out). With
     * several queues on the line this queue's used ring is read after every interrupt, whatever its
     * causes: another queue's thread may have acknowledged this queue's.
     */
    private void handleInterrupt() {
        int status = transport.interruptStatus();
        if (status != 0) {
            transport.acknowledgeInterrupt(status);
            if ((status & InterruptStatus.CONFIG_CHANGE) != 0) {
                device.configChanged();
            }
        }
        boolean maybeUsed = (status & InterruptStatus.USED_BUFFER) != 0 || status == 0 || sharesInterrupts();
        if (maybeUsed && options.completion() == CompletionMode.INTERRUPTS) {
            finishAll(ring.collectUsed());
        }
    }

    /**
     * Finishes the returned requests; when the ring met a violation after them, throws it at once,
     * so that the call that met it reports it rather than a later one.
     */
    private void finishAll(List<UsedElement> used) {
        for (UsedElement element : used) {
            BlkRequest request = requests.returned(element.id());
            if (request != null) {
                finish(request, element.length());
            }
        }
        if (ring.violationPending()) {
            ring.collectUsed();
        }
        postWaiting();
        publish();
    }

    /**
     * Checks a returned request's status byte and length, copies what it read, frees its buffer. A
     * fatal error fails the requests still waiting; a protocol violation (a used element the device
     * cannot have meant) also ends the other calls' requests the device holds, since a device that
     * wrote it may write their used elements where the driver never looks (the call's own go on, so
     * that it reports its earliest failed request). After a failed flush the device still answers
     * the requests it holds.
     */
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
        if (error != null && error.kind() == ErrorKind.PROTOCOL_VIOLATION) {
            for (BlkRequest held : requests.abandonOthers(request.call, error)) {
                buffers.abandon(held.buffer);
            }
        } else if (error != null && ErrorPolicy.isFatal(error.kind())) {
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
        if (ring.descriptorsFor(chain.size()) > ring.freeDescriptors()) {
            if (requests.posted() > 0) {
                buffers.release(buffer);
                return false;
            }
            buffers.release(buffer);
            throw new VirtioException(VirtioException.Kind.OUT_OF_MEMORY, transport.owner(), "the request needs "
                    + chain.size() + " descriptors, " + ring.freeDescriptors() + " are free");
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
        int token = ring.submit(chain, device.requestLayout().tableEntries() > 0
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
            for (PhysicalRun run : buffer.dma().segments(0, request.dataBytes, device.maxRunBytes())) {
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
        if (ring.notificationNeeded()) {
            transport.notifyQueue(index);
        }
        requests.published(platform.nanoTime(), options.requestTimeoutNanos(), pollCount);
    }

    // ---- set-up, reset and the error policy (called by the device) --------------------------------

    /** Takes the queue's lock for a device-wide step (reset, close); {@link #unlock()} gives it back. */
    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** Gives the queue its ring and buffers, after the device has set the ring up. */
    void attach(Virtqueue ring, RequestBuffers buffers) {
        this.ring = ring;
        this.buffers = buffers;
    }

    /** The queue's ring, while it has one. */
    Virtqueue ring() {
        return ring;
    }

    /**
     * Ends every request of the queue with the error {@code errorFor} gives its call; the device has
     * been or is about to be reset, so their buffers are freed with the rest.
     */
    void abandonAll(Function<RequestHandle, BlockDeviceException> errorFor) {
        requests.abandonAll(errorFor);
    }

    /** Frees the ring and every buffer; the device must have been reset. */
    void releaseMemory() {
        if (ring != null) {
            ring.release();
            ring = null;
        }
        if (buffers != null) {
            buffers.releaseAll();
            buffers = null;
        }
    }

    /**
     * Runs driver work under the error policy: a block error is noted, a virtio-level or platform
     * failure becomes a block error; a fatal one ends every request the queue holds, whose buffers
     * stay apart until a reset.
     */
    private void underPolicy(RequestType type, long sector, long sectors, Runnable work) {
        try {
            work.run();
        } catch (BlockDeviceException | VirtioException | PlatformException e) {
            BlockDeviceException error = errors.translate(e, type, sector, sectors);
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
}
