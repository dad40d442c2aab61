package dev.vblk.fake.blk;

import static dev.vblk.fake.blk.VirtioBlk.bit;

import dev.vblk.fake.mmio.ControlAccess;
import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.fake.mmio.MmioDevice;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.AccessWidth;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A software virtio-blk device behind a virtio-mmio version 2 register file, with
 * {@link FakeBlkConfig#numQueues()} virtqueues, split or packed (when VIRTIO_F_RING_PACKED is offered
 * and accepted), each processed synchronously when QueueNotify names it. QueueSel selects the queue
 * the queue registers (QueueNumMax, QueueNum, QueueReady, the ring addresses, QueueReset) act on; a
 * queue keeps its own ring positions, event-index state and held completions, and completing one
 * queue's requests never touches another queue's ring (unless {@link DeviceFaults#misrouteCompletions}
 * says so). InterruptStatus and the interrupt line are one for the whole device, as in QEMU.
 *
 * <p>It enforces the spec's rules the way QEMU 7.2 does: feature pages, FEATURES_OK validation,
 * reset on Status 0; a chain the shared {@code ChainDecoder} rejects (VirtIO 1.1 sections 2.6.5
 * and 2.7), or a packed chain reusing a buffer id still in flight, makes the device need a reset. Each decoded request goes to the {@link RequestHook}, which chooses the outcome;
 * {@link #faults()} and the methods {@link #injectNeedsReset}, {@link #resize},
 * {@link #signalConfigChange} and {@link #raiseSpuriousInterrupt} make the device misbehave outside
 * requests; {@link DeviceFaults} also batches and reorders completions and coalesces, drops or
 * forces interrupts. Not thread-safe: {@code FakePlatform} serialises the calls that reach it.
 */
public final class FakeVirtioBlkDevice implements MmioDevice {

    private final FakeBlkConfig config;
    private final DeviceContext context;
    private final GuestDma dma;
    private final BlkBackend backend;
    private final BlkConfigSpace configSpace;
    private final RequestDecoder decoder;
    private final DeviceFaults faults = new DeviceFaults();
    private final List<QueueState> queues = new ArrayList<>();
    private final List<Pending> pending = new ArrayList<>();
    /** Requests the hook held back ({@link RequestOutcome.Held}), by request index, until it releases them. */
    private final Map<Long, Waiting> heldByHook = new HashMap<>();
    private final UsedBufferInterrupts usedInterrupts = new UsedBufferInterrupts();
    private RequestHook hook;

    private int status;
    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private long driverFeatures;
    private boolean driverFeaturesBeyond64;
    private int queueSel;
    private int interruptStatus;
    private int configGeneration;
    private long pendingSequence;
    private long usedUpdates;
    private boolean spuriousLine;
    private String brokenReason;

    /** One virtqueue of the device: its ring and the finished requests it holds for a batch. */
    private record QueueState(int index, DeviceVirtqueue ring, HeldCompletions<Finished> held) {}

    private record Pending(long due, long sequence, QueueState queue, Chain chain, DeviceRequest request,
            RequestOutcome outcome) {}

    /** A decoded request waiting for its hook to answer it. */
    private record Waiting(QueueState queue, Chain chain, DeviceRequest request) {}

    /** A request whose answer is decided and not yet written. */
    private record Finished(Chain chain, DeviceRequest request, RequestOutcome.Complete outcome) {}

    /** A device with {@code config}, placed by the machine that provides {@code context}. */
    public FakeVirtioBlkDevice(FakeBlkConfig config, DeviceContext context) {
        this.config = Objects.requireNonNull(config, "config");
        this.context = Objects.requireNonNull(context, "context");
        this.dma = new GuestDma(context);
        this.backend = new BlkBackend(config, dma);
        this.configSpace = new BlkConfigSpace(config, backend, faults, context);
        this.decoder = new RequestDecoder(dma);
        this.hook = config.requestHook();
        for (int index = 0; index < config.numQueues(); index++) {
            queues.add(new QueueState(index, new DeviceVirtqueue(dma, context), new HeldCompletions<>()));
        }
        reset();
    }

    public FakeBlkConfig config() {
        return config;
    }

    /** The device-level fault switches. */
    public DeviceFaults faults() {
        return faults;
    }

    /**
     * Replaces the request hook from the next decoded request on; requests the old hook held are
     * released by the new one, if it does.
     */
    public void setRequestHook(RequestHook requestHook) {
        this.hook = Objects.requireNonNull(requestHook, "requestHook");
    }

    /** Breaks the device now, as QEMU's virtio_error() does: DEVICE_NEEDS_RESET and a config interrupt. */
    public void injectNeedsReset(String reason) {
        breakDevice(reason);
    }

    /** Raises an interrupt now with no completion behind it. */
    public void raiseSpuriousInterrupt(SpuriousInterrupt kind) {
        switch (kind) {
            case USED_BUFFER_WITHOUT_COMPLETION -> interruptStatus |= VirtioBlk.INTERRUPT_USED_BUFFER;
            case LINE_WITHOUT_STATUS -> spuriousLine = true;
        }
    }

    /** Changes the disk's capacity, then signals a config change (like QMP block_resize). */
    public void resize(long capacitySectors) {
        backend.resize(capacitySectors);
        signalConfigChange();
    }

    /** Increments ConfigGeneration and, once DRIVER_OK is set, raises a config-change interrupt. */
    public void signalConfigChange() {
        configGeneration++;
        if ((status & VirtioBlk.STATUS_DRIVER_OK) != 0) {
            interruptStatus |= VirtioBlk.INTERRUPT_CONFIG_CHANGE;
        }
    }

    /** The Status register as the device holds it. */
    public int status() {
        return status;
    }

    /** The features the driver accepted, once FEATURES_OK was accepted; 0 before. */
    public long negotiatedFeatures() {
        return (status & VirtioBlk.STATUS_FEATURES_OK) != 0 ? driverFeatures : 0;
    }

    /** The features currently offered: the configured set minus withheld bits. */
    public long offeredFeatures() {
        return config.features() & ~faults.withheldFeatures();
    }

    /** InterruptStatus without injected extra bits. */
    public int interruptStatus() {
        return interruptStatus;
    }

    public int configGeneration() {
        return configGeneration;
    }

    /** The writeback config field (1 = write-back cache). */
    public int writeback() {
        return configSpace.writeback();
    }

    /** Capacity in 512-byte sectors. */
    public long capacitySectors() {
        return backend.capacitySectors();
    }

    /** Why the device needs a reset, if it does. */
    public Optional<String> needsResetReason() {
        return Optional.ofNullable(brokenReason);
    }

    /** Requests decoded since the device was created. */
    public long requestsDecoded() {
        return decoder.decoded();
    }

    /** Requests whose completion has not happened yet: delayed, held for a batch, or held by the hook. */
    public int pendingCompletions() {
        return pending.size() + queues.stream().mapToInt(queue -> queue.held().size()).sum() + heldByHook.size();
    }

    @Override
    public boolean interruptRaised() {
        return interruptStatus != 0 || spuriousLine;
    }

    @Override
    public long nextDueTime() {
        if (brokenReason != null) {
            return Long.MAX_VALUE;
        }
        long due = usedInterrupts.deadline();
        for (QueueState queue : queues) {
            due = Math.min(due, queue.held().deadline());
        }
        if (!heldByHook.isEmpty()) {
            due = Math.min(due, hook.nextReleaseTime());
        }
        return pending.isEmpty() ? due : Math.min(due, pending.get(0).due());
    }

    @Override
    public void runDue(long now) {
        while (brokenReason == null && !pending.isEmpty() && pending.get(0).due() <= now) {
            Pending next = pending.remove(0);
            apply(next.queue(), next.chain(), next.request(), next.outcome());
        }
        if (brokenReason == null) {
            answerReleased(now);
        }
        if (brokenReason == null) {
            for (QueueState queue : queues) {
                completeAll(queue, queue.held().releaseDue(now));
            }
            if (usedInterrupts.due(now)) {
                interruptStatus |= VirtioBlk.INTERRUPT_USED_BUFFER;
            }
        }
    }

    // ---- register file ----

    @Override
    public long read(int offset, AccessWidth width) {
        if (offset >= ControlRegister.CONFIG_OFFSET) {
            return readConfig(offset - ControlRegister.CONFIG_OFFSET, width);
        }
        Optional<ControlRegister> register = ControlAccess.check(context, offset, width, false);
        if (register.isEmpty()) {
            return 0;
        }
        if (register.get() == ControlRegister.INTERRUPT_STATUS) {
            spuriousLine = false;
        }
        OptionalLong override = faults.registerOverride(offset);
        if (override.isPresent()) {
            return override.getAsLong();
        }
        return switch (register.get()) {
            case MAGIC_VALUE -> ControlRegister.MAGIC;
            case VERSION -> 2;
            case DEVICE_ID -> VirtioBlk.DEVICE_ID;
            case VENDOR_ID -> ControlRegister.QEMU_VENDOR;
            case DEVICE_FEATURES -> deviceFeaturesSel == 0 ? offeredFeatures() & 0xffffffffL
                    : deviceFeaturesSel == 1 ? offeredFeatures() >>> 32 : 0;
            case QUEUE_NUM_MAX -> selectedQueue().isPresent() ? config.queueNumMax() : 0;
            case QUEUE_READY -> selectedQueue().map(queue -> queue.ring().ready()).orElse(false) ? 1 : 0;
            case INTERRUPT_STATUS -> (interruptStatus | faults.extraInterruptBits()) & 0xffffffffL;
            case STATUS -> status;
            case SHM_LEN_LOW, SHM_LEN_HIGH, SHM_BASE_LOW, SHM_BASE_HIGH -> 0xffffffffL;
            case QUEUE_RESET -> {
                requireRingReset(offset);
                yield 0;
            }
            case CONFIG_GENERATION -> configGeneration & 0xffffffffL;
            default -> 0;
        };
    }

    @Override
    public void write(int offset, AccessWidth width, long value) {
        if (offset >= ControlRegister.CONFIG_OFFSET) {
            writeConfig(offset - ControlRegister.CONFIG_OFFSET, width, value);
            return;
        }
        Optional<ControlRegister> register = ControlAccess.check(context, offset, width, true);
        if (register.isEmpty()) {
            return;
        }
        long v = value & 0xffffffffL;
        switch (register.get()) {
            case DEVICE_FEATURES_SEL -> deviceFeaturesSel = (int) v;
            case DRIVER_FEATURES -> writeDriverFeatures(offset, v);
            case DRIVER_FEATURES_SEL -> driverFeaturesSel = (int) v;
            case QUEUE_SEL -> queueSel = (int) v;
            case QUEUE_NUM -> writeQueueNum(offset, v);
            case QUEUE_READY -> writeQueueReady(offset, v);
            case QUEUE_NOTIFY -> notify(offset, v);
            case INTERRUPT_ACK -> interruptStatus &= (int) ~v;
            case STATUS -> writeStatus(offset, (int) v);
            case QUEUE_DESC_LOW -> setQueueAddress(offset, RingArea.DESC, false, v);
            case QUEUE_DESC_HIGH -> setQueueAddress(offset, RingArea.DESC, true, v);
            case QUEUE_DRIVER_LOW -> setQueueAddress(offset, RingArea.DRIVER, false, v);
            case QUEUE_DRIVER_HIGH -> setQueueAddress(offset, RingArea.DRIVER, true, v);
            case QUEUE_DEVICE_LOW -> setQueueAddress(offset, RingArea.DEVICE, false, v);
            case QUEUE_DEVICE_HIGH -> setQueueAddress(offset, RingArea.DEVICE, true, v);
            case QUEUE_RESET -> {
                if (requireRingReset(offset) && v == 1) {
                    selectedQueue().ifPresent(this::resetQueue);
                }
            }
            default -> { } // SHMSel: the device has no shared memory regions.
        }
    }

    private void writeDriverFeatures(int offset, long value) {
        if ((status & VirtioBlk.STATUS_FEATURES_OK) != 0) {
            violation(ViolationKind.FEATURES_AFTER_FEATURES_OK, offset, String.format(
                    "DriverFeatures page %d written with 0x%08x after FEATURES_OK; ignored", driverFeaturesSel, value));
            return;
        }
        switch (driverFeaturesSel) {
            case 0 -> driverFeatures = (driverFeatures & 0xffffffff00000000L) | value;
            case 1 -> driverFeatures = (driverFeatures & 0xffffffffL) | (value << 32);
            default -> driverFeaturesBeyond64 |= value != 0;
        }
    }

    private void writeStatus(int offset, int value) {
        value &= 0xff;
        if (value == 0) {
            reset();
            return;
        }
        int old = status;
        int driverBits = value & ~VirtioBlk.STATUS_DEVICE_NEEDS_RESET;
        int cleared = old & ~driverBits & ~VirtioBlk.STATUS_DEVICE_NEEDS_RESET;
        if (cleared != 0) {
            violation(ViolationKind.STATUS_SEQUENCE, offset, String.format(
                    "Status write 0x%02x clears bits 0x%02x without a reset", value, cleared));
        }
        int next = driverBits | (old & VirtioBlk.STATUS_DEVICE_NEEDS_RESET);
        if ((next & VirtioBlk.STATUS_FEATURES_OK) != 0 && (old & VirtioBlk.STATUS_FEATURES_OK) == 0
                && featureRefusal().isPresent()) {
            next &= ~VirtioBlk.STATUS_FEATURES_OK;
        }
        if ((next & VirtioBlk.STATUS_DRIVER_OK) != 0 && (old & VirtioBlk.STATUS_DRIVER_OK) == 0
                && (next & VirtioBlk.STATUS_FEATURES_OK) == 0) {
            violation(ViolationKind.STATUS_SEQUENCE, offset, "DRIVER_OK set without an accepted FEATURES_OK");
        }
        status = next;
    }

    /** Why FEATURES_OK would be refused now, if it would. */
    private Optional<String> featureRefusal() {
        long offered = offeredFeatures();
        if (faults.refusesFeaturesOk()) {
            return Optional.of("refusal injected");
        }
        if (driverFeaturesBeyond64 || (driverFeatures & ~offered) != 0) {
            return Optional.of(String.format("driver accepted features not offered: 0x%x",
                    driverFeatures & ~offered));
        }
        if ((driverFeatures & bit(VirtioBlk.F_VERSION_1)) == 0) {
            return Optional.of("driver did not accept VERSION_1");
        }
        return Optional.empty();
    }

    private void reset() {
        status = 0;
        deviceFeaturesSel = 0;
        driverFeaturesSel = 0;
        driverFeatures = 0;
        driverFeaturesBeyond64 = false;
        queueSel = 0;
        interruptStatus = 0;
        configSpace.reset();
        for (QueueState queue : queues) {
            queue.ring().reset(config.queueNumMax());
            queue.held().clear();
        }
        pending.clear();
        heldByHook.clear();
        usedInterrupts.clear();
        spuriousLine = false;
        brokenReason = null;
    }

    private boolean requireRingReset(int offset) {
        if ((negotiatedFeatures() & bit(VirtioBlk.F_RING_RESET)) == 0) {
            violation(ViolationKind.QUEUE_SETUP, offset, "QueueReset used without VIRTIO_F_RING_RESET negotiated");
            return false;
        }
        return true;
    }

    /** A virtqueue reset (VIRTIO_F_RING_RESET): the queue forgets its ring and its unanswered requests. */
    private void resetQueue(QueueState queue) {
        queue.ring().reset(config.queueNumMax());
        queue.held().clear();
        pending.removeIf(waiting -> waiting.queue() == queue);
    }

    // ---- queue registers ----

    /** The queue QueueSel names, or nothing when the device has no such queue. */
    private Optional<QueueState> selectedQueue() {
        return queueSel >= 0 && queueSel < queues.size() ? Optional.of(queues.get(queueSel)) : Optional.empty();
    }

    /** The selected queue if {@code register} may be written for it; a violation otherwise. */
    private Optional<DeviceVirtqueue> writableQueue(int offset, String register) {
        Optional<QueueState> selected = selectedQueue();
        if (selected.isEmpty()) {
            violation(ViolationKind.QUEUE_SETUP, offset, register + " written for queue " + queueSel
                    + ", which does not exist; ignored");
            return Optional.empty();
        }
        DeviceVirtqueue ring = selected.get().ring();
        if (ring.ready()) {
            violation(ViolationKind.QUEUE_SETUP, offset, register + " written while the queue is ready");
        }
        return Optional.of(ring);
    }

    private void setQueueAddress(int offset, RingArea area, boolean high, long value) {
        writableQueue(offset, area.register(high)).ifPresent(ring -> {
            long current = ring.address(area);
            ring.setAddress(area, high ? (current & 0xffffffffL) | (value << 32)
                    : (current & 0xffffffff00000000L) | value);
        });
    }

    private void writeQueueNum(int offset, long value) {
        Optional<DeviceVirtqueue> ring = writableQueue(offset, "QueueNum");
        if (ring.isEmpty()) {
            return;
        }
        long max = faults.registerOverride(ControlRegister.QUEUE_NUM_MAX.offset()).orElse(config.queueNumMax());
        if (value == 0 || value > max || value > 0x8000) {
            violation(ViolationKind.QUEUE_SETUP, offset, "QueueNum " + value + " outside 1.." + Math.min(max, 0x8000)
                    + "; ignored");
            return;
        }
        if (Long.bitCount(value) != 1) {
            violation(ViolationKind.QUEUE_SETUP, offset, "QueueNum " + value + " is not a power of two");
        }
        ring.get().setNum((int) value);
    }

    private void writeQueueReady(int offset, long value) {
        Optional<QueueState> selected = selectedQueue();
        if (selected.isEmpty()) {
            violation(ViolationKind.QUEUE_SETUP, offset, "QueueReady written for queue " + queueSel
                    + ", which does not exist; ignored");
            return;
        }
        DeviceVirtqueue queue = selected.get().ring();
        if (value != 0 && !queue.ready()) {
            int driverAlignment = packedRing() ? 4 : 2;
            if (queue.desc() % 16 != 0 || queue.driver() % driverAlignment != 0 || queue.device() % 4 != 0) {
                violation(ViolationKind.QUEUE_SETUP, offset, String.format(
                        "misaligned rings: desc 0x%x (16), driver 0x%x (%d), device 0x%x (4)",
                        queue.desc(), queue.driver(), driverAlignment, queue.device()));
            }
        }
        queue.setReady(value != 0);
    }

    // ---- request processing ----

    private void notify(int offset, long queueIndex) {
        if (brokenReason != null) {
            return;
        }
        if (queueIndex >= queues.size()) {
            violation(ViolationKind.BAD_NOTIFY, offset, "notification for queue " + queueIndex + ", which does not exist");
            return;
        }
        if ((status & VirtioBlk.STATUS_DRIVER_OK) == 0) {
            violation(ViolationKind.BAD_NOTIFY, offset, "notification before DRIVER_OK");
            return;
        }
        QueueState queue = queues.get((int) queueIndex);
        if (!queue.ring().ready()) {
            violation(ViolationKind.BAD_NOTIFY, offset, "notification of queue " + queueIndex + ", which is not ready");
            return;
        }
        try {
            take(queue, (negotiatedFeatures() & bit(VirtioBlk.F_INDIRECT_DESC)) != 0);
        } catch (MalformedQueueException e) {
            context.violation(ViolationKind.MALFORMED_QUEUE, e.address(), e.getMessage());
            breakDevice(e.getMessage());
        }
    }

    private boolean packedRing() {
        return (negotiatedFeatures() & bit(VirtioBlk.F_RING_PACKED)) != 0;
    }

    /** The engine of the negotiated ring layout over {@code queue}'s registers. */
    private RingEngine ring(DeviceVirtqueue queue) {
        return queue.ring(packedRing());
    }

    /** Takes and handles every chain {@code state}'s driver made available. */
    private void take(QueueState state, boolean indirect) {
        RingEngine ring = ring(state.ring());
        ring.checkRings();
        while (brokenReason == null) {
            Optional<Chain> chain = ring.next(indirect);
            if (chain.isEmpty()) {
                break;
            }
            DeviceRequest request = decoder.decode(chain.get(), state.ring().desc());
            apply(state, chain.get(), request, hook.onRequest(request));
            answerReleased(context.now());
        }
        if (writesAvailEvent() && brokenReason == null) {
            ring.askForNotification();
        }
    }

    private boolean writesAvailEvent() {
        return switch (faults.availEventWrites()) {
            case AS_NEGOTIATED -> (negotiatedFeatures() & bit(VirtioBlk.F_EVENT_IDX)) != 0;
            case ALWAYS -> true;
            case NEVER -> false;
        };
    }

    private void apply(QueueState queue, Chain chain, DeviceRequest request, RequestOutcome outcome) {
        if (faults.stalls(queue.index())) {
            return;
        }
        if (outcome instanceof RequestOutcome.Complete complete) {
            completeAll(queue, queue.held().add(new Finished(chain, request, complete), faults.completionBatching(),
                    context.now()));
        } else if (outcome instanceof RequestOutcome.Delayed delayed) {
            pending.add(new Pending(context.now() + delayed.delayNanos(), pendingSequence++, queue, chain, request,
                    delayed.then()));
            pending.sort(Comparator.comparingLong(Pending::due).thenComparingLong(Pending::sequence));
        } else if (outcome instanceof RequestOutcome.Held) {
            heldByHook.put(request.index(), new Waiting(queue, chain, request));
        } else if (outcome instanceof RequestOutcome.NeedsReset) {
            breakDevice("DEVICE_NEEDS_RESET injected at request " + request.index());
        } else if (!(outcome instanceof RequestOutcome.NeverComplete)) {
            throw new IllegalStateException("the request hook returned no outcome for " + request);
        }
    }

    /**
     * Answers the held requests the hook releases at {@code now}, in its order; a release naming a
     * request the device no longer holds (it was reset since) is passed over.
     */
    private void answerReleased(long now) {
        if (heldByHook.isEmpty()) {
            return;
        }
        for (RequestHook.Release release : hook.releases(now)) {
            Waiting waiting = heldByHook.remove(release.requestIndex());
            if (waiting != null && brokenReason == null) {
                apply(waiting.queue(), waiting.chain(), waiting.request(), release.outcome());
            }
        }
    }

    /**
     * Answers {@code batch}, taken from {@code source}, in its order and publishes the used entries
     * of the queue that receives the completions once.
     */
    private void completeAll(QueueState source, List<Finished> batch) {
        if (batch.isEmpty()) {
            return;
        }
        RingEngine target = completionRing(source);
        for (Finished finished : batch) {
            answer(ring(source.ring()), target, finished.chain(), finished.request(), finished.outcome());
        }
        target.publish();
        boolean wanted = target.wantsInterrupt((negotiatedFeatures() & bit(VirtioBlk.F_EVENT_IDX)) != 0,
                faults.ignoresInterruptSuppression());
        long update = usedUpdates++;
        if (wanted && !faults.dropsInterrupt(update)
                && usedInterrupts.request(faults.coalescedUpdates(), faults.coalescingWindowNanos(), context.now())) {
            interruptStatus |= VirtioBlk.INTERRUPT_USED_BUFFER;
        }
    }

    /**
     * The ring whose used side receives {@code source}'s completions: {@code source}'s own, or the
     * queue {@link DeviceFaults#misrouteCompletions} names while that queue is ready with its rings
     * in RAM.
     */
    private RingEngine completionRing(QueueState source) {
        RingEngine own = ring(source.ring());
        int target = faults.completionQueue(source.index());
        if (target == source.index() || target >= queues.size() || !queues.get(target).ring().ready()) {
            return own;
        }
        RingEngine ring = ring(queues.get(target).ring());
        try {
            ring.checkRings();
            return ring;
        } catch (MalformedQueueException e) {
            return own;
        }
    }

    /**
     * Writes the status byte and data of one request taken from {@code source}, and its used
     * entries into {@code target}, without publishing them.
     */
    private void answer(RingEngine source, RingEngine target, Chain chain, DeviceRequest request,
            RequestOutcome.Complete outcome) {
        int statusByte;
        long dataWritten;
        if (outcome.data().isPresent()) {
            dataWritten = dma.scatter(chain.writableData(), outcome.data().get());
            statusByte = outcome.status().orElse(VirtioBlk.S_OK);
        } else if (outcome.status().isPresent()) {
            dataWritten = 0;
            statusByte = outcome.status().getAsInt();
        } else {
            BlkBackend.Result result = backend.execute(chain, request, negotiatedFeatures(),
                    configSpace.writeback() == 0);
            statusByte = result.status();
            dataWritten = result.dataWritten();
        }
        dma.write(chain.statusAddress(), new byte[] {(byte) statusByte});
        long id = outcome.usedId().orElse(chain.head());
        long len = outcome.usedLen().orElse(dataWritten + 1);
        source.release(chain);
        for (int i = 0; i < outcome.copies(); i++) {
            target.pushUsed(chain, id, len);
        }
        target.skipUsed(outcome.usedIdxSkip());
    }

    private void breakDevice(String reason) {
        if (brokenReason != null) {
            return;
        }
        brokenReason = reason;
        status |= VirtioBlk.STATUS_DEVICE_NEEDS_RESET;
        signalConfigChange();
    }

    // ---- device config space ----

    private long readConfig(int offset, AccessWidth width) {
        int address = ControlRegister.CONFIG_OFFSET + offset;
        if (width == AccessWidth.DOUBLE) {
            violation(ViolationKind.BAD_REGISTER_WIDTH, address, "64-bit device config read; use 8, 16 or 32 bits");
            return 0;
        }
        if (faults.takeUnstableConfigRead()) {
            configGeneration++;
        }
        return configSpace.read(offset, width, offeredFeatures(), context.baseAddress() + address);
    }

    private void writeConfig(int offset, AccessWidth width, long value) {
        configSpace.write(offset, width, value, negotiatedFeatures(),
                context.baseAddress() + ControlRegister.CONFIG_OFFSET + offset);
    }

    private void violation(ViolationKind kind, int offset, String detail) {
        context.violation(kind, context.baseAddress() + offset, detail);
    }
}
