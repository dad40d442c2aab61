package dev.vblk.fuzz.shrink;

import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.AccessPlatformSpec;
import dev.vblk.fuzz.scenario.AllocatorSpec;
import dev.vblk.fuzz.scenario.DeviceFaultSpec;
import dev.vblk.fuzz.scenario.DeviceSpec;
import dev.vblk.fuzz.scenario.EraseLifetimeSpec;
import dev.vblk.fuzz.scenario.ResetTopologySpec;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.QueueSpec;
import dev.vblk.fuzz.scenario.RegisterOverride;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScriptedOutcome;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.fuzz.scenario.ZonedSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Makes a failing scenario smaller while it still fails the same way (the invariant of its first
 * finding is violated again), as jqwik shrinks a failing property: fewer steps, fewer scripted
 * outcomes (or a rewrite of driver memory dropped from one), fewer faults, the allocator generous,
 * one request at a time, a plainer device. Each pass tries every simplification once and keeps those
 * that still fail; passes repeat until none helps or the run budget is spent. Deterministic, since
 * runs are.
 */
public final class ScenarioShrinker {

    /** Oracle runs one shrink may take by default. */
    public static final int DEFAULT_RUNS = 400;

    private final ScenarioRunner runner;
    private final int maxRuns;

    public ScenarioShrinker(ScenarioRunner runner, int maxRuns) {
        if (maxRuns < 0) {
            throw new IllegalArgumentException("the run budget must not be negative: " + maxRuns);
        }
        this.runner = runner;
        this.maxRuns = maxRuns;
    }

    /** Shrinks a failing verdict's scenario; the result's verdict fails with the same first invariant. */
    public Shrunk<Verdict> shrink(Verdict failing) {
        if (failing.passed()) {
            throw new IllegalArgumentException("only a failing verdict shrinks");
        }
        Invariant target = failing.findings().get(0).invariant();
        Verdict best = failing;
        int runs = 0;
        boolean progress = true;
        while (progress && runs < maxRuns) {
            progress = false;
            for (UnaryOperator<Scenario> simplification : simplifications(best.scenario())) {
                if (runs >= maxRuns) {
                    break;
                }
                Scenario candidate = simplification.apply(best.scenario());
                if (candidate.equals(best.scenario())) {
                    continue;
                }
                Verdict verdict = runner.run(candidate.withSeed(0));
                runs++;
                if (verdict.violated().contains(target)) {
                    best = verdict;
                    progress = true;
                }
            }
        }
        return new Shrunk<>(best, size(failing.scenario()), size(best.scenario()), runs);
    }

    /** How big a scenario is, in the terms shrinking reduces. */
    public static ShrinkSize size(Scenario scenario) {
        DeviceFaultSpec faults = scenario.faults();
        int faultCount = faults.overrides().size() + (faults.withheldFeatures() != 0 ? 1 : 0)
                + (faults.refuseFeaturesOk() ? 1 : 0) + (faults.unstableConfigReads() != 0 ? 1 : 0)
                + (faults.extraInterruptBits() != 0 ? 1 : 0)
                + (scenario.allocator().equals(AllocatorSpec.GENEROUS) ? 0 : 1)
                + (scenario.queue().equals(QueueSpec.SERIAL) ? 0 : 1);
        DeviceSpec device = scenario.device();
        int deviceChanges = (device.offeredFeatures() != VirtioBlk.QEMU_DEFAULT_FEATURES ? 1 : 0) + (device.readOnly() ? 1 : 0);
        int steps = scenario.steps().stream().mapToInt(step -> step instanceof ScenarioStep.Batch batch ? batch.calls().size() : 1).sum();
        return new ShrinkSize(steps, faultCount, scenario.outcomes().size(), deviceChanges);
    }

    /** Every single simplification of {@code scenario}, biggest first. */
    private static List<UnaryOperator<Scenario>> simplifications(Scenario scenario) {
        List<UnaryOperator<Scenario>> all = new ArrayList<>();
        int steps = scenario.steps().size();
        if (steps > 1) {
            all.add(s -> steps(s, s.steps().subList(0, s.steps().size() / 2)));
        }
        for (int i = steps - 1; i >= 0; i--) {
            int index = i;
            all.add(s -> index < s.steps().size() ? steps(s, without(s.steps(), index)) : s);
            if (scenario.steps().get(i) instanceof ScenarioStep.Batch batch && batch.calls().size() > 1) {
                for (int c = batch.calls().size() - 1; c >= 0; c--) {
                    int call = c;
                    all.add(s -> index < s.steps().size() && s.steps().get(index) instanceof ScenarioStep.Batch b
                            && b.calls().size() > 1 && call < b.calls().size() ? steps(s, replaced(s.steps(), index, shorter(b, call))) : s);
                }
            }
        }
        for (int i = scenario.outcomes().size() - 1; i >= 0; i--) {
            int index = i;
            all.add(s -> index < s.outcomes().size() ? outcomes(s, without(s.outcomes(), index)) : s);
        }
        for (int i = scenario.outcomes().size() - 1; i >= 0; i--) {
            int index = i;
            all.add(s -> index < s.outcomes().size() && s.outcomes().get(index).outcome() instanceof OutcomeSpec.Rewrites r
                    ? outcomes(s, replaced(s.outcomes(), index, new ScriptedOutcome(s.outcomes().get(index).requestIndex(),
                            r.then())))
                    : s);
        }
        all.add(s -> faults(s, DeviceFaultSpec.NONE));
        for (int i = scenario.faults().overrides().size() - 1; i >= 0; i--) {
            int index = i;
            all.add(s -> {
                DeviceFaultSpec f = s.faults();
                return index < f.overrides().size() ? faults(s, new DeviceFaultSpec(without(f.overrides(), index),
                        f.withheldFeatures(), f.refuseFeaturesOk(), f.unstableConfigReads(), f.extraInterruptBits())) : s;
            });
        }
        all.add(s -> faults(s, withFaults(s.faults().overrides(), 0, s.faults().refuseFeaturesOk(),
                s.faults().unstableConfigReads(), s.faults().extraInterruptBits())));
        all.add(s -> faults(s, withFaults(s.faults().overrides(), s.faults().withheldFeatures(), false,
                s.faults().unstableConfigReads(), s.faults().extraInterruptBits())));
        all.add(s -> faults(s, withFaults(s.faults().overrides(), s.faults().withheldFeatures(),
                s.faults().refuseFeaturesOk(), 0, s.faults().extraInterruptBits())));
        all.add(s -> faults(s, withFaults(s.faults().overrides(), s.faults().withheldFeatures(),
                s.faults().refuseFeaturesOk(), s.faults().unstableConfigReads(), 0)));
        all.add(s -> new Scenario(s.seed(), s.device(), s.faults(), AllocatorSpec.GENEROUS, s.queue(), s.outcomes(), s.steps(),
                s.eraseLifetime(), s.resetTopology(), s.accessPlatform(), s.zoned()));
        all.add(s -> s.withQueue(QueueSpec.SERIAL));
        all.add(s -> s.withEraseLifetime(EraseLifetimeSpec.NONE));
        all.add(s -> s.withResetTopology(ResetTopologySpec.NONE));
        all.add(s -> s.withAccessPlatform(AccessPlatformSpec.NONE));
        all.add(s -> s.withZoned(ZonedSpec.NONE));
        all.add(s -> device(s, VirtioBlk.QEMU_DEFAULT_FEATURES, s.device().readOnly()));
        all.add(s -> device(s, s.device().offeredFeatures(), false));
        return all;
    }

    private static ScenarioStep.Batch shorter(ScenarioStep.Batch batch, int call) {
        return new ScenarioStep.Batch(without(batch.calls(), call));
    }

    private static DeviceFaultSpec withFaults(List<RegisterOverride> overrides, long withheld,
            boolean refuse, int unstable, int extra) {
        return new DeviceFaultSpec(overrides, withheld, refuse, unstable, extra);
    }

    private static Scenario steps(Scenario s, List<ScenarioStep> steps) {
        return new Scenario(s.seed(), s.device(), s.faults(), s.allocator(), s.queue(), s.outcomes(), steps,
                s.eraseLifetime(), s.resetTopology(), s.accessPlatform(), s.zoned());
    }

    private static Scenario outcomes(Scenario s, List<ScriptedOutcome> outcomes) {
        return new Scenario(s.seed(), s.device(), s.faults(), s.allocator(), s.queue(), outcomes, s.steps(),
                s.eraseLifetime(), s.resetTopology(), s.accessPlatform(), s.zoned());
    }

    private static Scenario faults(Scenario s, DeviceFaultSpec faults) {
        return new Scenario(s.seed(), s.device(), faults, s.allocator(), s.queue(), s.outcomes(), s.steps(),
                s.eraseLifetime(), s.resetTopology(), s.accessPlatform(), s.zoned());
    }

    private static Scenario device(Scenario s, long features, boolean readOnly) {
        DeviceSpec d = s.device();
        DeviceSpec plainer = new DeviceSpec(d.capacitySectors(), features, readOnly, d.idString(), d.sizeMax(), d.segMax(),
                d.blkSize(), d.writeback(), d.maxDiscardSectors(), d.discardAlignment(), d.maxWriteZeroesSectors());
        return new Scenario(s.seed(), plainer, s.faults(), s.allocator(), s.queue(), s.outcomes(), s.steps(),
                s.eraseLifetime(), s.resetTopology(), s.accessPlatform(), s.zoned());
    }

    private static <T> List<T> without(List<T> list, int index) {
        List<T> copy = new ArrayList<>(list);
        copy.remove(index);
        return copy;
    }

    private static <T> List<T> replaced(List<T> list, int index, T value) {
        List<T> copy = new ArrayList<>(list);
        copy.set(index, value);
        return copy;
    }
}
