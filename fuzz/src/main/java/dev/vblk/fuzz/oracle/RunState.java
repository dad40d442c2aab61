package dev.vblk.fuzz.oracle;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeVirtioBlkDevice;
import dev.vblk.fake.blk.InOrderFault;
import dev.vblk.fuzz.coverage.BehaviourCoverage;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.AllocatorSpec;
import dev.vblk.fuzz.scenario.DeviceFaultSpec;
import dev.vblk.fuzz.scenario.DeviceSpec;
import dev.vblk.fuzz.scenario.QueueSpec;
import dev.vblk.fuzz.scenario.RegisterOverride;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The state of one run that the executor and the checks share: the scenario's fake machine, the
 * platform the driver sees (counted, its reads of published memory noted), the driver once opened,
 * and what the scenario has done to the device so far (register overrides, unstable config, a
 * refusing allocator, device events).
 */
final class RunState {

    final Scenario scenario;
    final DeviceSpec spec;
    final ScenarioMachine machine;
    final RecordingDisk disk;
    final RequestRecorder recorder;
    final FakePlatform platform;
    final FakeVirtioBlkDevice fake;
    final CountingPlatform counting;
    /** What the driver wrote for the device to read, and the driver's reads of it. */
    final PublishedMemory published;
    /** The platform the driver is given: {@link #counting}, seen through the runner's driver view. */
    final Platform driverPlatform;
    final MmioSlot slot;
    final DriverOptions options;
    final Findings findings = new Findings();
    /** Where the driver's register accesses are noted at the end of each call; null when not asked for. */
    private final BehaviourCoverage coverage;
    /** The register overrides in force, by offset. */
    final Map<Integer, Long> overrides = new HashMap<>();
    /** Every register the scenario overrode at some time. */
    final Set<Integer> everOverridden = new HashSet<>();
    /** The driver, once an initialisation succeeded. */
    VirtioBlkDevice driver;
    /** Every request the device saw during the call or batch being judged. */
    List<Seen> deviceSaw = List.of();
    boolean unstableHigh;
    boolean refuseAll;
    boolean eventsHappened;
    /**
     * The device wrote a used element or index no correct device writes, and the driver has not
     * reported it yet: it may report it on a later call, after taking the good completions before it.
     */
    boolean ringBrokenUnreported;
    /**
     * The device rewrote a notification suppression field since the driver last set up its rings:
     * the lie stays in ring memory, and may cost the driver notifications on every later call.
     */
    boolean suppressionLied;
    /**
     * The scenario asks for no device-level or allocator fault and only queue faults a correct driver
     * gets through (a fifth of the request budget at most): what {@link #quiet()} needs of the
     * scenario, which does not change within a run.
     */
    private final boolean quietScenario;

    RunState(Scenario scenario, long budget, BehaviourCoverage coverage, UnaryOperator<Platform> driverView) {
        this.scenario = scenario;
        this.spec = scenario.device();
        this.machine = ScenarioMachine.create(scenario);
        this.disk = machine.disk();
        this.recorder = machine.requests();
        this.platform = machine.platform();
        this.fake = machine.device();
        this.slot = machine.slot();
        this.options = ScenarioRunner.options(scenario);
        this.coverage = coverage;
        this.published = new PublishedMemory(platform);
        recorder.onFetch(published::fetched);
        this.counting = new CountingPlatform(published, slot.baseAddress(), 0x200, budget);
        this.driverPlatform = driverView.apply(counting);
        scenario.faults().overrides().forEach(this::noteOverride);
        unstableHigh = scenario.faults().unstableConfigReads() >= ScenarioRunner.TOLERATED_UNSTABLE_READS;
        // Objects.equals compares identity first: most scenarios hold the constants, and a record's
        // generated equals is slow in the client compiler, which fuzz campaigns run with.
        quietScenario = Objects.equals(scenario.faults(), DeviceFaultSpec.NONE)
                && scenario.queue().benign(options.requestTimeoutNanos() / 5)
                && Objects.equals(scenario.allocator(), AllocatorSpec.GENEROUS);
    }

    /**
     * Notes the register accesses of the driver call that just ended in the coverage, if asked for,
     * as a {@code CoverageProbe} between the driver and the machine would have: the counting platform
     * has them already, and a probe would cost every platform call one more hop.
     */
    void noteCoverage() {
        if (coverage == null) {
            return;
        }
        RegisterAccesses accesses = counting.accessesInCall();
        for (int i = 0; i < accesses.size(); i++) {
            coverage.addAccess(MmioWindow.QEMU_VIRT, accesses.write(i), slot.baseAddress() + accesses.offset(i),
                    accesses.value(i));
        }
    }

    /** Lets the machine do what a device event says, and notes what the checks must know of it. */
    void apply(ScenarioStep.DeviceEvent event) {
        machine.apply(event);
        if (event instanceof ScenarioStep.SetOverride set) {
            noteOverride(set.override());
        } else if (event instanceof ScenarioStep.ClearOverride clear) {
            overrides.remove(clear.offset());
        } else if (event instanceof ScenarioStep.UnstableConfig unstable) {
            unstableHigh |= unstable.reads() >= ScenarioRunner.TOLERATED_UNSTABLE_READS;
        } else if (event instanceof ScenarioStep.RefuseFrames refuse) {
            refuseAll = refuse.all();
        }
        eventsHappened = true;
    }

    private void noteOverride(RegisterOverride override) {
        overrides.put(override.offset(), override.value());
        everOverridden.add(override.offset());
    }

    /** Switches every fault off: request outcomes normal, overrides cleared, nothing withheld, allocator generous. */
    void clearFaults() {
        recorder.stopFaults();
        for (int offset : everOverridden) {
            fake.faults().clearRegisterOverride(offset);
        }
        overrides.clear();
        fake.faults().withholdFeatures(0).refuseFeaturesOk(false).unstableConfigGeneration(0).extraInterruptBits(0);
        QueueSpec.SERIAL.applyTo(fake.faults());
        platform.allocatorFaults().clear();
    }

    /**
     * No device-level fault, allocator fault or device event so far, queue faults a correct driver
     * gets through (a fifth of the request budget at most), and the device is not broken.
     */
    boolean quiet() {
        return quietScenario && !eventsHappened && fake.needsResetReason().isEmpty();
    }

    /**
     * Whether a request the device saw in the call or batch being judged got an answer that breaks the
     * used ring ({@link ScriptedAnswers#breaksTheRing}).
     */
    boolean deviceBrokeTheRing() {
        return recorder.anyOutcomeInCall(ScriptedAnswers::breaksTheRing) || breaksTheOrder();
    }

    /**
     * Whether the device breaks VIRTIO_F_IN_ORDER (a request answered out of order or left out of a
     * batch, {@link InOrderFault}) with the feature negotiated and several requests seen: the driver
     * then meets used entries it cannot take as in order.
     */
    private boolean breaksTheOrder() {
        return scenario.queue().inOrderFault() != InOrderFault.NONE
                && FeatureBits.has(fake.negotiatedFeatures(), FeatureBits.IN_ORDER) && recorder.seenInCall().size() > 1;
    }

    /**
     * Whether a request the device saw in the call or batch being judged got an answer that rewrites
     * a notification suppression field ({@link ScriptedAnswers#liesAboutSuppression}).
     */
    boolean deviceLiedAboutSuppression() {
        return recorder.anyOutcomeInCall(ScriptedAnswers::liesAboutSuppression);
    }

    /** Whether the device holds VIRTIO_F_RING_RESET negotiated, so that the driver may reset a queue alone. */
    boolean ringResetNegotiated() {
        return FeatureBits.has(fake.negotiatedFeatures(), FeatureBits.RING_RESET);
    }

    /** Whether the driver reset a queue alone (wrote 1 to QueueReset) in the call or batch being judged. */
    boolean queueResetInCall() {
        RegisterAccesses accesses = counting.accessesInCall();
        for (int i = 0; i < accesses.size(); i++) {
            if (accesses.write(i) && accesses.offset(i) == MmioRegister.QUEUE_RESET.offset() && accesses.value(i) == 1) {
                return true;
            }
        }
        return false;
    }

    /** The queue size the driver can set up under the current QueueNumMax. */
    int queueSize() {
        long max = overrides.getOrDefault(MmioRegister.QUEUE_NUM_MAX.offset(), 256L);
        return max <= 0 || max > 0x8000 ? 256 : Integer.highestOneBit((int) Math.min(max, options.maxQueueSize()));
    }

    /** The status the driver reads: the Status override if one is active, else the device's status. */
    long statusRead() {
        return overrides.getOrDefault(MmioRegister.STATUS.offset(), (long) fake.status());
    }

    /** Whether an interrupt fault may keep the line raised (then a wait may end before its timeout). */
    boolean interruptStuck() {
        return scenario.faults().extraInterruptBits() != 0
                || everOverridden.contains(MmioRegister.INTERRUPT_STATUS.offset());
    }

    /** Whether the scenario ever overrode Status: the driver then reads back values the device does not hold. */
    boolean statusTampered() {
        return everOverridden.contains(MmioRegister.STATUS.offset());
    }
}
