package dev.vblk.fake.blk;

import dev.vblk.fake.mmio.ControlAccess;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.fake.mmio.MmioDevice;
import dev.vblk.platform.AccessWidth;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A software virtio-blk device behind a virtio-mmio version 2 register file: the virtio-mmio front
 * end of a {@link VirtioCore}. It holds the transport's own registers (the feature page selectors
 * and QueueSel, which selects the queue the queue registers act on), checks each control register
 * access with {@link ControlAccess}, answers the identification registers, applies
 * {@link DeviceFaults#overrideRegister register overrides} and passes everything else to the core;
 * config space accesses from {@link ControlRegister#CONFIG_OFFSET} on go to the core's
 * configuration space. The public methods besides the register file are the core's, for tests,
 * fuzzers and replayers to inspect the device and make it misbehave.
 */
public final class FakeVirtioBlkDevice implements MmioDevice {

    private final VirtioCore core;
    private final DeviceContext context;
    private int deviceFeaturesSel;
    private int driverFeaturesSel;
    private int queueSel;

    /** A device with {@code config}, placed by the machine that provides {@code context}. */
    public FakeVirtioBlkDevice(FakeBlkConfig config, DeviceContext context) {
        this.core = new VirtioCore(config, context);
        this.context = context;
    }

    public FakeBlkConfig config() {
        return core.config();
    }

    /** The device-level fault switches. */
    public DeviceFaults faults() {
        return core.faults();
    }

    /** Replaces the request hook; see {@link VirtioCore#setRequestHook}. */
    public void setRequestHook(RequestHook requestHook) {
        core.setRequestHook(requestHook);
    }

    /** Breaks the device now, as QEMU's virtio_error() does: DEVICE_NEEDS_RESET and a config interrupt. */
    public void injectNeedsReset(String reason) {
        core.injectNeedsReset(reason);
    }

    /** Raises an interrupt now with no completion behind it. */
    public void raiseSpuriousInterrupt(SpuriousInterrupt kind) {
        core.raiseSpuriousInterrupt(kind);
    }

    /** Changes the disk's capacity, then signals a config change (like QMP block_resize). */
    public void resize(long capacitySectors) {
        core.resize(capacitySectors);
    }

    /** Increments ConfigGeneration and, once DRIVER_OK is set, raises a config-change interrupt. */
    public void signalConfigChange() {
        core.signalConfigChange();
    }

    /** The Status register as the device holds it. */
    public int status() {
        return core.status();
    }

    /** The features the driver accepted, once FEATURES_OK was accepted; 0 before. */
    public long negotiatedFeatures() {
        return core.negotiatedFeatures();
    }

    /** The features currently offered: the configured set minus withheld bits. */
    public long offeredFeatures() {
        return core.offeredFeatures();
    }

    /** InterruptStatus without injected extra bits. */
    public int interruptStatus() {
        return core.interruptStatus();
    }

    /** ConfigGeneration: changes whenever the configuration space may have changed. */
    public int configGeneration() {
        return core.configGeneration();
    }

    /** The writeback config field (1 = write-back cache). */
    public int writeback() {
        return core.writeback();
    }

    /** Capacity in 512-byte sectors. */
    public long capacitySectors() {
        return core.capacitySectors();
    }

    /** Why the device needs a reset, if it does. */
    public Optional<String> needsResetReason() {
        return core.needsResetReason();
    }

    /** Requests decoded since the device was created. */
    public long requestsDecoded() {
        return core.requestsDecoded();
    }

    /** Requests whose completion has not happened yet: delayed, held for a batch, or held by the hook. */
    public int pendingCompletions() {
        return core.pendingCompletions();
    }

    @Override
    public boolean interruptRaised() {
        return core.interruptRaised();
    }

    @Override
    public long nextDueTime() {
        return core.nextDueTime();
    }

    @Override
    public void runDue(long now) {
        core.runDue(now);
    }

    @Override
    public long read(int offset, AccessWidth width) {
        long at = context.baseAddress() + offset;
        if (offset >= ControlRegister.CONFIG_OFFSET) {
            return core.readConfig(offset - ControlRegister.CONFIG_OFFSET, width, at);
        }
        Optional<ControlRegister> register = ControlAccess.check(context, offset, width, false);
        if (register.isEmpty()) {
            return 0;
        }
        OptionalLong override = core.faults().registerOverride(offset);
        if (register.get() == ControlRegister.INTERRUPT_STATUS) {
            long causes = core.readInterruptStatus();
            return override.orElse(causes);
        }
        if (override.isPresent()) {
            return override.getAsLong();
        }
        return switch (register.get()) {
            case MAGIC_VALUE -> ControlRegister.MAGIC;
            case VERSION -> 2;
            case DEVICE_ID -> VirtioBlk.DEVICE_ID;
            case VENDOR_ID -> ControlRegister.QEMU_VENDOR;
            case DEVICE_FEATURES -> core.deviceFeatures(deviceFeaturesSel);
            case QUEUE_NUM_MAX -> core.queues().queueNumMax(queueSel);
            case QUEUE_READY -> core.queues().queueReady(queueSel) ? 1 : 0;
            case STATUS -> core.status();
            case SHM_LEN_LOW, SHM_LEN_HIGH, SHM_BASE_LOW, SHM_BASE_HIGH -> 0xffffffffL;
            case QUEUE_RESET -> core.queues().readQueueReset(at);
            case CONFIG_GENERATION -> core.configGeneration() & 0xffffffffL;
            default -> 0;
        };
    }

    @Override
    public void write(int offset, AccessWidth width, long value) {
        long at = context.baseAddress() + offset;
        if (offset >= ControlRegister.CONFIG_OFFSET) {
            core.writeConfig(offset - ControlRegister.CONFIG_OFFSET, width, value, at);
            return;
        }
        Optional<ControlRegister> register = ControlAccess.check(context, offset, width, true);
        if (register.isEmpty()) {
            return;
        }
        long v = value & 0xffffffffL;
        switch (register.get()) {
            case DEVICE_FEATURES_SEL -> deviceFeaturesSel = (int) v;
            case DRIVER_FEATURES -> core.writeDriverFeatures(driverFeaturesSel, v, at);
            case DRIVER_FEATURES_SEL -> driverFeaturesSel = (int) v;
            case QUEUE_SEL -> queueSel = (int) v;
            case QUEUE_NUM -> core.queues().setQueueNum(queueSel, v, at);
            case QUEUE_READY -> core.queues().setQueueReady(queueSel, v, at);
            case QUEUE_NOTIFY -> core.notify(v, at);
            case INTERRUPT_ACK -> core.acknowledgeInterrupt(v);
            case STATUS -> {
                if (core.writeStatus((int) v, at)) {
                    deviceFeaturesSel = 0;
                    driverFeaturesSel = 0;
                    queueSel = 0;
                }
            }
            case QUEUE_DESC_LOW -> core.queues().setQueueAddress(queueSel, RingArea.DESC, false, v, at);
            case QUEUE_DESC_HIGH -> core.queues().setQueueAddress(queueSel, RingArea.DESC, true, v, at);
            case QUEUE_DRIVER_LOW -> core.queues().setQueueAddress(queueSel, RingArea.DRIVER, false, v, at);
            case QUEUE_DRIVER_HIGH -> core.queues().setQueueAddress(queueSel, RingArea.DRIVER, true, v, at);
            case QUEUE_DEVICE_LOW -> core.queues().setQueueAddress(queueSel, RingArea.DEVICE, false, v, at);
            case QUEUE_DEVICE_HIGH -> core.queues().setQueueAddress(queueSel, RingArea.DEVICE, true, v, at);
            case QUEUE_RESET -> core.queues().writeQueueReset(queueSel, v, at);
            default -> { } // SHMSel: the device has no shared memory regions.
        }
    }
}
