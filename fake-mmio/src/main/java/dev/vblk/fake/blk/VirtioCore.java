package dev.vblk.fake.blk;

import static dev.vblk.fake.blk.VirtioBlk.bit;

import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.AccessWidth;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The transport-independent virtio-blk device, as QEMU's virtio core sees one: device status,
 * feature negotiation, the set-up of its virtqueues, the interrupt causes and line (one for the
 * whole device), and the configuration generation; requests go from the rings through the request
 * path to the block backend. The virtio-mmio ({@link FakeVirtioBlkDevice}) and virtio-pci
 * ({@code FakeVirtioBlkPciFunction}) front ends turn register accesses into the calls here, each
 * with the address of the access, where a violation it finds is recorded.
 *
 * <p>It enforces the spec's rules the way QEMU 7.2 does: FEATURES_OK validation, reset on Status
 * 0, and a malformed ring or chain makes the device need a reset. The {@link RequestHook} chooses
 * each request's outcome; {@link #faults()}, {@link #injectNeedsReset}, {@link #resize},
 * {@link #signalConfigChange} and {@link #raiseSpuriousInterrupt} make the device misbehave
 * outside requests. Not thread-safe: {@code FakePlatform} serialises the calls that reach it.
 */
public final class VirtioCore {

    private final FakeBlkConfig config;
    private final DeviceContext context;
    private final DeviceFaults faults = new DeviceFaults();
    private final BlkBackend backend;
    private final BlkConfigSpace configSpace;
    private final FeatureNegotiation features;
    private final List<DeviceVirtqueue> queues = new ArrayList<>();
    private final RequestPipeline pipeline;
    private final QueueRegisters queueRegisters;

    private int status;
    private int interruptStatus;
    private int configGeneration;
    private boolean spuriousLine;
    private String brokenReason;
    private InterruptSignals signals = InterruptSignals.NONE;

    /** A device with {@code config}, placed by the machine that provides {@code context}. */
    public VirtioCore(FakeBlkConfig config, DeviceContext context) {
        this.config = Objects.requireNonNull(config, "config");
        this.context = Objects.requireNonNull(context, "context");
        GuestDma dma = new GuestDma(context, () -> (negotiatedFeatures() & bit(VirtioBlk.F_ACCESS_PLATFORM)) != 0);
        this.backend = new BlkBackend(config, dma);
        this.configSpace = new BlkConfigSpace(config, backend, faults, context);
        this.features = new FeatureNegotiation(config, faults, context);
        for (int index = 0; index < config.numQueues(); index++) {
            queues.add(new DeviceVirtqueue(dma, context));
        }
        this.pipeline = new RequestPipeline(this, queues, dma, backend, configSpace, config.requestHook());
        this.queueRegisters = new QueueRegisters(this, config, faults, context, queues, pipeline);
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
        pipeline.setHook(Objects.requireNonNull(requestHook, "requestHook"));
    }

    /** Breaks the device now, as QEMU's virtio_error() does: DEVICE_NEEDS_RESET and a config interrupt. */
    public void injectNeedsReset(String reason) {
        breakDevice(reason);
    }

    /** Tells {@code signals} of every interrupt from now on, with the queue or configuration it is for. */
    public void signalInterruptsTo(InterruptSignals signals) {
        this.signals = Objects.requireNonNull(signals, "signals");
    }

    /** Raises an interrupt now with no completion behind it (a used-buffer one on queue 0's). */
    public void raiseSpuriousInterrupt(SpuriousInterrupt kind) {
        switch (kind) {
            case USED_BUFFER_WITHOUT_COMPLETION -> raiseUsedBufferInterrupt(0);
            case LINE_WITHOUT_STATUS -> spuriousLine = true;
        }
    }

    /** Changes the disk's capacity, then signals a config change (like QMP block_resize). */
    public void resize(long capacitySectors) {
        backend.resize(capacitySectors);
        signalConfigChange();
    }

    /**
     * Signals a config change whose capacity reads {@code capacity} between the halves of the
     * driver's next read of it ({@link ConfigTear}).
     */
    void tearCapacity(long capacity) {
        configSpace.tearCapacity(capacity);
        signalConfigChange();
    }

    /** Increments ConfigGeneration and, once DRIVER_OK is set, raises a config-change interrupt. */
    public void signalConfigChange() {
        configGeneration++;
        if ((status & VirtioBlk.STATUS_DRIVER_OK) != 0) {
            interruptStatus |= VirtioBlk.INTERRUPT_CONFIG_CHANGE;
            signals.configChanged();
        }
    }

    /** The Status register as the device holds it. */
    public int status() {
        return status;
    }

    /** The features the driver accepted, once FEATURES_OK was accepted; 0 before. */
    public long negotiatedFeatures() {
        return (status & VirtioBlk.STATUS_FEATURES_OK) != 0 ? features.accepted() : 0;
    }

    /** The features currently offered: the configured set minus withheld bits. */
    public long offeredFeatures() {
        return features.offered();
    }

    /** InterruptStatus without injected extra bits. */
    public int interruptStatus() {
        return interruptStatus;
    }

    /** ConfigGeneration: changes whenever the configuration space may have changed. */
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
        return pipeline.requestsDecoded();
    }

    /** Requests whose completion has not happened yet: delayed, held for a batch, or held by the hook. */
    public int pendingCompletions() {
        return pipeline.pendingCompletions();
    }

    /** Whether the interrupt line is raised: some cause is pending, or a spurious line was injected. */
    public boolean interruptRaised() {
        return interruptStatus != 0 || spuriousLine;
    }

    /** The earliest virtual time at which the device has deferred work to do, or Long.MAX_VALUE. */
    public long nextDueTime() {
        return brokenReason != null ? Long.MAX_VALUE : pipeline.nextDueTime();
    }

    /** Performs every piece of deferred work due at or before {@code now}. */
    public void runDue(long now) {
        pipeline.runDue(now);
    }

    // ---- what the front ends translate register accesses into ----

    /** Page {@code page} (0 or 1) of the offered features; 0 for other pages. */
    public long deviceFeatures(int page) {
        return features.offeredPage(page);
    }

    /** The driver accepts {@code value} as page {@code page} of its features; ignored after FEATURES_OK. */
    public void writeDriverFeatures(int page, long value, long at) {
        features.accept(page, value, (status & VirtioBlk.STATUS_FEATURES_OK) != 0, at);
    }

    /**
     * The driver writes the low byte of {@code value} to Status: 0 resets the device, other values
     * move the handshake on (FEATURES_OK stays clear when the features are refused).
     *
     * @return whether the write reset the device, so the front end resets its own registers too
     */
    public boolean writeStatus(int value, long at) {
        value &= 0xff;
        if (value == 0) {
            reset();
            return true;
        }
        int old = status;
        int driverBits = value & ~VirtioBlk.STATUS_DEVICE_NEEDS_RESET;
        int cleared = old & ~driverBits & ~VirtioBlk.STATUS_DEVICE_NEEDS_RESET;
        if (cleared != 0) {
            context.violation(ViolationKind.STATUS_SEQUENCE, at, String.format(
                    "Status write 0x%02x clears bits 0x%02x without a reset", value, cleared));
        }
        int next = driverBits | (old & VirtioBlk.STATUS_DEVICE_NEEDS_RESET);
        if ((next & VirtioBlk.STATUS_FEATURES_OK) != 0 && (old & VirtioBlk.STATUS_FEATURES_OK) == 0
                && !features.acceptable()) {
            next &= ~VirtioBlk.STATUS_FEATURES_OK;
        }
        if ((next & VirtioBlk.STATUS_DRIVER_OK) != 0 && (old & VirtioBlk.STATUS_DRIVER_OK) == 0
                && (next & VirtioBlk.STATUS_FEATURES_OK) == 0) {
            context.violation(ViolationKind.STATUS_SEQUENCE, at, "DRIVER_OK set without an accepted FEATURES_OK");
        }
        status = next;
        return false;
    }

    /** The registers of the device's virtqueues: their sizes, ring addresses, readiness and resets. */
    public QueueRegisters queues() {
        return queueRegisters;
    }

    /**
     * The driver writes {@code value} to notify a queue: its available chains are taken and handled
     * now. Without VIRTIO_F_NOTIFICATION_DATA the value is the queue's index; with it the index is in
     * bits 0 to 15 and bits 16 to 31 must name where the driver's next chain goes, as the ring in guest
     * memory shows it ({@link RingEngine#showsNextAvailable}; a {@link ViolationKind#NOTIFICATION_DATA}
     * violation if not).
     */
    public void notify(long value, long at) {
        if (brokenReason != null) {
            return;
        }
        boolean withData = (negotiatedFeatures() & bit(VirtioBlk.F_NOTIFICATION_DATA)) != 0;
        long queue = withData ? value & 0xffff : value;
        if (queue >= queues.size()) {
            context.violation(ViolationKind.BAD_NOTIFY, at, "notification for queue " + queue + ", which does not exist");
            return;
        }
        if ((status & VirtioBlk.STATUS_DRIVER_OK) == 0) {
            context.violation(ViolationKind.BAD_NOTIFY, at, "notification before DRIVER_OK");
            return;
        }
        if (!queues.get((int) queue).ready()) {
            context.violation(ViolationKind.BAD_NOTIFY, at, "notification of queue " + queue + ", which is not ready");
            return;
        }
        try {
            RingEngine ring = queues.get((int) queue).ring(packedRing());
            ring.checkRings();
            if (withData && !ring.showsNextAvailable((int) (value >>> 16))) {
                context.violation(ViolationKind.NOTIFICATION_DATA, at, String.format("notification data 0x%08x of "
                        + "queue %d names where the next chain goes as 0x%04x, which the ring does not show", value, queue,
                        value >>> 16));
            }
            pipeline.take((int) queue, (negotiatedFeatures() & bit(VirtioBlk.F_INDIRECT_DESC)) != 0);
        } catch (MalformedQueueException e) {
            context.violation(ViolationKind.MALFORMED_QUEUE, e.address(), e.getMessage());
            breakDevice(e.getMessage());
        }
    }

    /** The driver reads the interrupt causes (with injected extra bits); the read lowers a spurious line. */
    public long readInterruptStatus() {
        spuriousLine = false;
        return (interruptStatus | faults.extraInterruptBits()) & 0xffffffffL;
    }

    /** The driver acknowledges the interrupt causes {@code bits}. */
    public void acknowledgeInterrupt(long bits) {
        interruptStatus &= (int) ~bits;
    }

    /** A read of the device configuration space at {@code offset}; 64-bit reads are refused. */
    public long readConfig(int offset, AccessWidth width, long at) {
        if (width == AccessWidth.DOUBLE) {
            context.violation(ViolationKind.BAD_REGISTER_WIDTH, at, "64-bit device config read; use 8, 16 or 32 bits");
            return 0;
        }
        if (faults.takeUnstableConfigRead()) {
            configGeneration++;
        }
        long value = configSpace.read(offset, width, offeredFeatures(), at);
        if (configSpace.capacityTorn(offset, width)) {
            configGeneration++;
        }
        return value;
    }

    /** A write to the device configuration space at {@code offset}. */
    public void writeConfig(int offset, AccessWidth width, long value, long at) {
        configSpace.write(offset, width, value, negotiatedFeatures(), at);
    }

    // ---- for the request path ----

    boolean packedRing() {
        return (negotiatedFeatures() & bit(VirtioBlk.F_RING_PACKED)) != 0;
    }

    boolean broken() {
        return brokenReason != null;
    }

    long now() {
        return context.now();
    }

    /** A used-buffer interrupt for queue {@code queue}. */
    void raiseUsedBufferInterrupt(int queue) {
        interruptStatus |= VirtioBlk.INTERRUPT_USED_BUFFER;
        signals.usedBuffers(queue);
    }

    /** Sets DEVICE_NEEDS_RESET and raises a config interrupt, once until the next reset. */
    void breakDevice(String reason) {
        if (brokenReason != null) {
            return;
        }
        brokenReason = reason;
        status |= VirtioBlk.STATUS_DEVICE_NEEDS_RESET;
        signalConfigChange();
    }

    private void reset() {
        status = 0;
        features.reset();
        interruptStatus = 0;
        configSpace.reset();
        for (DeviceVirtqueue queue : queues) {
            queue.reset(config.queueNumMax());
        }
        pipeline.reset();
        spuriousLine = false;
        brokenReason = null;
    }
}
