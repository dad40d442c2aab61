package dev.vblk.fuzz.oracle;

import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeVirtioBlkDevice;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.virtio.MmioSlot;

/**
 * The fake machine a {@link Scenario} describes: a fresh {@link FakePlatform} with the scenario's
 * device in slot {@value #SLOT} (requiring ACCESS_PLATFORM if the scenario says so, its DMA then
 * confined to what the driver maps; zoned if it says so), its device and queue faults switched on, its request outcomes scripted and its
 * allocator faults set. The oracle and the trace recorder both build their machine here, so a
 * recorded run meets exactly the device the oracle judged.
 */
public final class ScenarioMachine {

    /** The slot the device occupies (address 0x0a003e00 on the fake machine). */
    public static final int SLOT = 31;

    private final FakePlatform platform;
    private final FakeVirtioBlkDevice device;
    private final RecordingDisk disk;
    private final RequestRecorder requests;
    private final MmioSlot slot;

    private ScenarioMachine(Scenario scenario) {
        this.disk = new RecordingDisk(scenario.device().capacitySectors());
        this.requests = new RequestRecorder(scenario);
        this.platform = FakePlatform.create();
        this.device = platform.attachBlockDevice(SLOT,
                scenario.zoned().applyTo(scenario.accessPlatform().applyTo(scenario.resetTopology().applyTo(
                        scenario.eraseLifetime().applyTo(scenario.device().toConfig(disk, requests))))));
        this.slot = new MmioSlot(SLOT, FakePlatform.slotAddress(SLOT), platform.interruptLine(SLOT));
        scenario.faults().applyTo(device.faults());
        scenario.queue().applyTo(device.faults());
        scenario.allocator().applyTo(platform.allocatorFaults());
    }

    /** A fresh machine set up from {@code scenario}. */
    public static ScenarioMachine create(Scenario scenario) {
        return new ScenarioMachine(scenario);
    }

    /** The fake machine: the platform the driver runs on. */
    public FakePlatform platform() {
        return platform;
    }

    /** The scenario's device. */
    public FakeVirtioBlkDevice device() {
        return device;
    }

    /** The device's transport slot. */
    public MmioSlot slot() {
        return slot;
    }

    /** Lets the device or the machine do what a device event of the workload says. */
    public void apply(ScenarioStep.DeviceEvent event) {
        if (event instanceof ScenarioStep.InjectNeedsReset) {
            device.injectNeedsReset("injected by the scenario");
        } else if (event instanceof ScenarioStep.ConfigChange) {
            device.signalConfigChange();
        } else if (event instanceof ScenarioStep.SetOverride set) {
            device.faults().overrideRegister(set.override().offset(), set.override().value());
        } else if (event instanceof ScenarioStep.ClearOverride clear) {
            device.faults().clearRegisterOverride(clear.offset());
        } else if (event instanceof ScenarioStep.UnstableConfig unstable) {
            device.faults().unstableConfigGeneration(unstable.reads());
        } else if (event instanceof ScenarioStep.RefuseFrames refuse) {
            platform.allocatorFaults().refuseMultiFrame(refuse.multiFrame()).refuseAll(refuse.all());
        } else if (event instanceof ScenarioStep.Spurious spurious) {
            device.raiseSpuriousInterrupt(spurious.kind());
        }
    }

    /** How many requests the device has decoded so far (the next one gets this number). */
    public long requestsDecoded() {
        return requests.decoded();
    }

    RecordingDisk disk() {
        return disk;
    }

    RequestRecorder requests() {
        return requests;
    }
}
