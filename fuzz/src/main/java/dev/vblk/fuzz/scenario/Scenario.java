package dev.vblk.fuzz.scenario;

import java.util.List;

/**
 * Everything a hostile device does to the driver in one run, reproducible on its own: the device's
 * fixed configuration, the faults on from the start, the allocator's behaviour, the outcome of
 * chosen requests and the workload of driver calls and device events.
 *
 * @param seed the seed it was generated from ({@link ScenarioGenerator#generate}), or 0 when built
 *     otherwise (by jqwik, or shrunk)
 * @param queue how many requests are in flight and what the device does to a busy queue (a scenario
 *     saved without it has {@link QueueSpec#SERIAL})
 * @param eraseLifetime secure erase and the lifetime report offered, allowed and configured (a scenario
 *     saved without it has {@link EraseLifetimeSpec#NONE})
 * @param resetTopology RING_RESET and TOPOLOGY allowed and the topology configured (a scenario saved
 *     without it has {@link ResetTopologySpec#NONE})
 * @param accessPlatform ACCESS_PLATFORM required by the device and allowed to the driver (a scenario
 *     saved without it has {@link AccessPlatformSpec#NONE})
 * @param zoned the device zoned, its zones and how it breaks their rules (a scenario saved without it
 *     has {@link ZonedSpec#NONE})
 */
public record Scenario(
        long seed,
        DeviceSpec device,
        DeviceFaultSpec faults,
        AllocatorSpec allocator,
        QueueSpec queue,
        List<ScriptedOutcome> outcomes,
        List<ScenarioStep> steps,
        EraseLifetimeSpec eraseLifetime,
        ResetTopologySpec resetTopology,
        AccessPlatformSpec accessPlatform,
        ZonedSpec zoned) {

    public Scenario {
        queue = queue == null ? QueueSpec.SERIAL : queue;
        eraseLifetime = eraseLifetime == null ? EraseLifetimeSpec.NONE : eraseLifetime;
        resetTopology = resetTopology == null ? ResetTopologySpec.NONE : resetTopology;
        accessPlatform = accessPlatform == null ? AccessPlatformSpec.NONE : accessPlatform;
        zoned = zoned == null ? ZonedSpec.NONE : zoned;
        outcomes = List.copyOf(outcomes);
        steps = List.copyOf(steps);
    }

    /** A scenario whose device offers neither secure erase nor the lifetime report. */
    public Scenario(long seed, DeviceSpec device, DeviceFaultSpec faults, AllocatorSpec allocator, QueueSpec queue,
            List<ScriptedOutcome> outcomes, List<ScenarioStep> steps) {
        this(seed, device, faults, allocator, queue, outcomes, steps, EraseLifetimeSpec.NONE);
    }

    /** A scenario whose driver is allowed neither RING_RESET nor TOPOLOGY. */
    public Scenario(long seed, DeviceSpec device, DeviceFaultSpec faults, AllocatorSpec allocator, QueueSpec queue,
            List<ScriptedOutcome> outcomes, List<ScenarioStep> steps, EraseLifetimeSpec eraseLifetime) {
        this(seed, device, faults, allocator, queue, outcomes, steps, eraseLifetime, ResetTopologySpec.NONE);
    }

    /** A scenario whose device does not require ACCESS_PLATFORM and whose driver is not allowed it. */
    public Scenario(long seed, DeviceSpec device, DeviceFaultSpec faults, AllocatorSpec allocator, QueueSpec queue,
            List<ScriptedOutcome> outcomes, List<ScenarioStep> steps, EraseLifetimeSpec eraseLifetime,
            ResetTopologySpec resetTopology) {
        this(seed, device, faults, allocator, queue, outcomes, steps, eraseLifetime, resetTopology,
                AccessPlatformSpec.NONE);
    }

    /** A scenario whose device is not zoned. */
    public Scenario(long seed, DeviceSpec device, DeviceFaultSpec faults, AllocatorSpec allocator, QueueSpec queue,
            List<ScriptedOutcome> outcomes, List<ScenarioStep> steps, EraseLifetimeSpec eraseLifetime,
            ResetTopologySpec resetTopology, AccessPlatformSpec accessPlatform) {
        this(seed, device, faults, allocator, queue, outcomes, steps, eraseLifetime, resetTopology, accessPlatform,
                ZonedSpec.NONE);
    }

    /** This scenario under another seed (0 marks one not made by the generator). */
    public Scenario withSeed(long newSeed) {
        return new Scenario(newSeed, device, faults, allocator, queue, outcomes, steps, eraseLifetime, resetTopology,
                accessPlatform, zoned);
    }

    /** This scenario with its device offering {@code feature} (a feature bit number) or not. */
    public Scenario offering(int feature, boolean offered) {
        DeviceSpec d = device;
        long bit = 1L << feature;
        DeviceSpec changed = new DeviceSpec(d.capacitySectors(), offered ? d.offeredFeatures() | bit
                : d.offeredFeatures() & ~bit, d.readOnly(), d.idString(), d.sizeMax(), d.segMax(), d.blkSize(),
                d.writeback(), d.maxDiscardSectors(), d.discardAlignment(), d.maxWriteZeroesSectors());
        return new Scenario(seed, changed, faults, allocator, queue, outcomes, steps, eraseLifetime, resetTopology,
                accessPlatform, zoned);
    }

    /** This scenario with other queue behaviour. */
    public Scenario withQueue(QueueSpec newQueue) {
        return new Scenario(seed, device, faults, allocator, newQueue, outcomes, steps, eraseLifetime, resetTopology,
                accessPlatform, zoned);
    }

    /** This scenario with other secure-erase and lifetime settings. */
    public Scenario withEraseLifetime(EraseLifetimeSpec spec) {
        return new Scenario(seed, device, faults, allocator, queue, outcomes, steps, spec, resetTopology, accessPlatform,
                zoned);
    }

    /** This scenario with other ring reset and topology settings. */
    public Scenario withResetTopology(ResetTopologySpec spec) {
        return new Scenario(seed, device, faults, allocator, queue, outcomes, steps, eraseLifetime, spec, accessPlatform,
                zoned);
    }

    /** This scenario with other ACCESS_PLATFORM settings. */
    public Scenario withAccessPlatform(AccessPlatformSpec spec) {
        return new Scenario(seed, device, faults, allocator, queue, outcomes, steps, eraseLifetime, resetTopology, spec,
                zoned);
    }

    /** This scenario with another zoned device, or none. */
    public Scenario withZoned(ZonedSpec spec) {
        return new Scenario(seed, device, faults, allocator, queue, outcomes, steps, eraseLifetime, resetTopology,
                accessPlatform, spec);
    }

    /** The outcome scripted for request {@code index}, or {@link OutcomeSpec.Normal}. */
    public OutcomeSpec outcomeOf(long index) {
        OutcomeSpec outcome = new OutcomeSpec.Normal();
        for (ScriptedOutcome scripted : outcomes) {
            if (scripted.requestIndex() == index) {
                outcome = scripted.outcome();
            }
        }
        return outcome;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        text.append("Scenario seed ").append(seed).append('\n');
        text.append("  device:    ").append(device).append('\n');
        text.append("  faults:    ").append(faults).append('\n');
        text.append("  allocator: ").append(allocator).append('\n');
        text.append("  queue:     ").append(queue).append('\n');
        if (!eraseLifetime.equals(EraseLifetimeSpec.NONE)) {
            text.append("  v1.2:      ").append(eraseLifetime).append('\n');
        }
        if (!resetTopology.equals(ResetTopologySpec.NONE)) {
            text.append("  reset/top: ").append(resetTopology).append('\n');
        }
        if (!accessPlatform.equals(AccessPlatformSpec.NONE)) {
            text.append("  access:    ").append(accessPlatform).append('\n');
        }
        if (zoned.zoned()) {
            text.append("  zoned:     ").append(zoned).append('\n');
        }
        text.append("  outcomes:  ").append(outcomes.isEmpty() ? "all normal" : outcomes).append('\n');
        text.append("  steps:");
        for (int i = 0; i < steps.size(); i++) {
            text.append("\n    ").append(i).append(". ").append(steps.get(i));
        }
        return text.toString();
    }
}
