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
import dev.vblk.platform.Platform;
import dev.vblk.platform.PlatformException;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.VirtioTransport;
import dev.vblk.virtio.queue.Virtqueue;
import dev.vblk.virtio.spec.BlkRequestFormat;
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
 *
 * <p>The queue numbers calls, holds the lock, posts and publishes requests and applies the error
 * policy; a {@link CallPlanner} checks each call and makes its requests, a {@link RequestRing} moves
 * each request through its buffer and the ring, and a {@link CompletionHandler} finds the requests
 * the device returned.
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
    private final CallPlanner planner;
    private final CompletionHandler completions;

    private final QueueResources resources;
    private long callsAccepted;

    VirtioBlkQueue(VirtioBlkDevice device, int index, Platform platform, VirtioTransport transport,
            DriverOptions options, ErrorPolicy errors) {
        this.device = device;
        this.index = index;
        this.platform = platform;
        this.transport = transport;
        this.options = options;
        this.errors = errors;
        this.planner = new CallPlanner(device, options, errors, requests);
        this.completions = new CompletionHandler(device, index, platform, transport, options, errors, requests, () -> {
            postWaiting();
            publish();
        }, this::resetRing);
        this.resources = new QueueResources(index, platform, transport, options, errors, requests, completions);
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
        return Math.min(options.maxInFlight(), resources.requestRing().capacity());
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
    public void secureErase(long sector, long sectorCount) {
        blocking.secureErase(sector, sectorCount);
    }

    @Override
    public BlockLifetime lifetime() {
        return blocking.lifetime();
    }

    @Override
    public String deviceIdString() {
        return blocking.deviceIdString();
    }

    // ---- submissions ------------------------------------------------------------------------------

    @Override
    public RequestHandle submitRead(long sector, byte[] buffer) {
        long sectors = planner.sectors(RequestType.READ, sector, buffer);
        return submit(RequestType.READ, sector, sectors, call -> planner.read(call, sector, buffer));
    }

    @Override
    public RequestHandle submitWrite(long sector, byte[] data) {
        long sectors = planner.sectors(RequestType.WRITE, sector, data);
        return submit(RequestType.WRITE, sector, sectors, call -> planner.write(call, sector, data));
    }

    @Override
    public RequestHandle submitFlush() {
        return submit(RequestType.FLUSH, -1, 0, planner::flush);
    }

    @Override
    public RequestHandle submitDiscard(long sector, long sectorCount) {
        return submit(RequestType.DISCARD, sector, sectorCount, call -> planner.range(call, RequestType.DISCARD,
                BlkRequestFormat.T_DISCARD, BlkFeatures.DISCARD, sector, sectorCount));
    }

    @Override
    public RequestHandle submitWriteZeroes(long sector, long sectorCount) {
        return submit(RequestType.WRITE_ZEROES, sector, sectorCount, call -> planner.range(call, RequestType.WRITE_ZEROES,
                BlkRequestFormat.T_WRITE_ZEROES, BlkFeatures.WRITE_ZEROES, sector, sectorCount));
    }

    @Override
    public RequestHandle submitSecureErase(long sector, long sectorCount) {
        return submit(RequestType.SECURE_ERASE, sector, sectorCount, call -> planner.range(call, RequestType.SECURE_ERASE,
                BlkRequestFormat.T_SECURE_ERASE, BlkFeatures.SECURE_ERASE, sector, sectorCount));
    }

    @Override
    public RequestHandle submitGetLifetime(byte[] buffer) {
        planner.checkAnswerBuffer(RequestType.GET_LIFETIME, buffer, AsyncBlockDevice.LIFETIME_BYTES);
        return submit(RequestType.GET_LIFETIME, -1, 0, call -> planner.getLifetime(call, buffer));
    }

    @Override
    public RequestHandle submitGetId(byte[] buffer) {
        planner.checkAnswerBuffer(RequestType.GET_ID, buffer, AsyncBlockDevice.ID_BYTES);
        return submit(RequestType.GET_ID, -1, 0, call -> planner.getId(call, buffer));
    }

    // ---- zone commands (VIRTIO_BLK_F_ZONED), for VirtioZonedDevice ---------------------------------

    /**
     * Submits a zone report of at most {@code maxZones} zones from the zone holding {@code sector} into
     * {@code buffer} ({@link CallPlanner#reportBytes}); the arguments are checked once the device is
     * known usable, as every call's are.
     */
    RequestHandle submitZoneReport(long sector, int maxZones, byte[] buffer) {
        return submit(RequestType.ZONE_REPORT, sector, 0, call -> planner.zoneReport(call, sector, maxZones, buffer));
    }

    /** Submits a zone open, close, finish, reset or reset all. */
    RequestHandle submitZoneManagement(RequestType type, int typeCode, long zoneStart) {
        return submit(type, zoneStart, 0, call -> planner.zoneManagement(call, type, typeCode, zoneStart));
    }

    /** Submits a zone append of {@code data}, the device's append_sector to land in the 8-byte {@code appendSector}. */
    RequestHandle submitZoneAppend(long zoneStart, byte[] data, byte[] appendSector) {
        long sectors = planner.sectors(RequestType.ZONE_APPEND, zoneStart, data);
        return submit(RequestType.ZONE_APPEND, zoneStart, sectors, call -> planner.zoneAppend(call, zoneStart, data,
                appendSector));
    }

    /** The most bytes of a report for {@code maxZones} zones ({@link CallPlanner#reportBytes}). */
    int reportBytes(int maxZones) {
        return planner.reportBytes(maxZones);
    }

    /** Notes an error a zone call ended with after its completion (a reply that breaks the specification). */
    BlockDeviceException note(BlockDeviceException error, RequestType type) {
        return errors.note(error, type);
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
                    completions.pollOnce();
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
            await(() -> requests.allReady(handles), budgetNanos);
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

    /** Publishes what was posted, then waits as {@link CompletionHandler#await} does, under the error policy. */
    private void await(BooleanSupplier done, long budgetNanos) {
        underPolicy(null, -1, 0, () -> {
            publish();
            completions.await(done, budgetNanos);
        });
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
            completions.drainInterrupts();
        }
        while (requests.nextWaiting() != null && canPost()) {
            BlkRequest request = requests.nextWaiting();
            try {
                int token = resources.requestRing().post(request, requests.posted() > 0);
                if (token == RequestRing.NOT_POSTED) {
                    return;
                }
                requests.posted(request, token);
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
        return requests.posted() < maxInFlight() && resources.requestRing().bufferAvailable();
    }

    /** Notifies the device of the requests posted since the last call (when it wants it) and starts their budgets. */
    private void publish() {
        if (!requests.hasUnpublished()) {
            return;
        }
        Virtqueue ring = resources.requestRing().ring();
        if (ring.notificationNeeded()) {
            if (device.state().has(FeatureBits.NOTIFICATION_DATA)) {
                transport.notifyQueue(index, ring.notificationData());
            } else {
                transport.notifyQueue(index);
            }
        }
        requests.published(platform.nanoTime(), options.requestTimeoutNanos(), completions.polls());
    }

    // ---- queue reset --------------------------------------------------------------------------------

    /**
     * Resets this queue alone and sets it up again (VIRTIO_F_RING_RESET, VirtIO 1.2 section 2.6.1),
     * leaving the device's other queues untouched: writes 1 to the queue's reset register, waits until
     * it reads 0 again, ends every request the queue holds (in flight or waiting) with
     * {@link ErrorKind#ABORTED} and frees their buffers, starts over with a fresh ring and enables
     * the queue again. Requests already completed keep their outcome. The queue does the same by itself
     * when the device is otherwise healthy and one of its requests times out (that call ending with
     * TIMEOUT) or its ring breaks the rules (the calls with a request the device held ending with
     * PROTOCOL_VIOLATION).
     *
     * @throws BlockDeviceException UNSUPPORTED when VIRTIO_F_RING_RESET was not negotiated; the
     *     device's fatal error while it is unusable; TIMEOUT when the device does not report the
     *     reset done within a request's time and poll budget (the device is then unusable until it is
     *     reset, and the queue's requests end with that error, their buffers set apart)
     */
    public void resetQueue() {
        lock.lock();
        try {
            errors.checkUsable();
            if (!device.state().has(FeatureBits.RING_RESET)) {
                throw errors.error(ErrorKind.UNSUPPORTED, "queue " + index
                        + " cannot be reset on its own: VIRTIO_F_RING_RESET was not negotiated").build();
            }
            resetRing(handle -> null);
        } finally {
            lock.unlock();
        }
    }

    // ---- set-up, reset and the error policy (called by the device) --------------------------------

    /** Takes the queue's lock for a device-wide step (reset, close); {@link #unlock()} gives it back. */
    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /** Resets the queue alone, the lock held ({@link QueueResources#resetQueue}). */
    private void resetRing(Function<RequestHandle, BlockDeviceException> errorFor) {
        resources.resetQueue(errorFor);
    }

    /** The queue's ring and buffers, which the device sets up, resets and frees. */
    QueueResources resources() {
        return resources;
    }

    /**
     * Ends every request of the queue with the error {@code errorFor} gives its call; the device has
     * been or is about to be reset, so their buffers are freed with the rest.
     */
    void abandonAll(Function<RequestHandle, BlockDeviceException> errorFor) {
        requests.abandonAll(errorFor);
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
                resources.requestRing().abandon(request);
            }
        }
    }
}
