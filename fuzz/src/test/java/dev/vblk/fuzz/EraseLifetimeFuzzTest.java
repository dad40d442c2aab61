package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.AllocatorSpec;
import dev.vblk.fuzz.scenario.DeviceFaultSpec;
import dev.vblk.fuzz.scenario.DeviceSpec;
import dev.vblk.fuzz.scenario.EraseLifetimeSpec;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.QueueSpec;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.fuzz.scenario.ScriptedOutcome;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The secure-erase and lifetime families of the fuzzer: generated scenarios in which the device
 * offers each feature or not, the driver is allowed it or not, the calls are made on their own and
 * in batches, and the device gives limits of 0 and reserved wear values; the oracle judges them (no
 * false success, erased ranges tiling the call within the limit, the report as the device wrote it,
 * refusals of what cannot be sent) and finds nothing wrong with the driver.
 */
class EraseLifetimeFuzzTest {

    private static final int SEEDS = 3000;

    private static Stream<ScenarioStep> calls(Scenario scenario) {
        return scenario.steps().stream().flatMap(step -> step instanceof ScenarioStep.Batch batch
                ? batch.calls().stream().map(ScenarioStep.class::cast) : Stream.of(step));
    }

    @Test
    void aQuarterOfTheSeedsDrawBothFamiliesInEveryCombination() {
        int families = 0;
        int erasing = 0;
        int zeroLimits = 0;
        int reporting = 0;
        int reserved = 0;
        int batched = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            Scenario scenario = ScenarioGenerator.generate(seed);
            EraseLifetimeSpec spec = scenario.eraseLifetime();
            if (spec.equals(EraseLifetimeSpec.NONE)) {
                assertTrue(calls(scenario).noneMatch(step -> step instanceof ScenarioStep.SecureErase
                        || step instanceof ScenarioStep.GetLifetime), scenario::toString);
                continue;
            }
            families++;
            boolean erases = calls(scenario).anyMatch(ScenarioStep.SecureErase.class::isInstance);
            boolean reports = calls(scenario).anyMatch(ScenarioStep.GetLifetime.class::isInstance);
            erasing += erases && spec.offerSecureErase() && spec.allowSecureErase() && spec.secureEraseLimitsUsable() ? 1 : 0;
            zeroLimits += erases && spec.offerSecureErase() && spec.allowSecureErase() && !spec.secureEraseLimitsUsable() ? 1 : 0;
            reporting += reports && spec.offerLifetime() && spec.allowLifetime() ? 1 : 0;
            reserved += reports && spec.offerLifetime() && spec.allowLifetime() && spec.lifetime().preEolInfo() > 3 ? 1 : 0;
            batched += scenario.steps().stream().anyMatch(step -> step instanceof ScenarioStep.Batch batch
                    && batch.calls().stream().anyMatch(call -> call instanceof ScenarioStep.SecureErase
                            || call instanceof ScenarioStep.GetLifetime)) ? 1 : 0;
        }
        assertTrue(families > SEEDS / 5 && families < SEEDS / 3, "families " + families);
        assertTrue(erasing > 100 && zeroLimits > 30 && reporting > 100 && reserved > 20 && batched > 20,
                erasing + " " + zeroLimits + " " + reporting + " " + reserved + " " + batched);
    }

    @Test
    void theOracleFindsNothingWrongInTheFamiliesGeneratedScenarios() {
        assertEquals(List.of(), FamilyVerdicts.failingAmong(SEEDS, scenario -> !scenario.eraseLifetime().equals(EraseLifetimeSpec.NONE)));
    }

    /** A device offering both, allowed both; the workload below. */
    private static Scenario scenario(EraseLifetimeSpec spec, List<ScriptedOutcome> outcomes, List<ScenarioStep> steps) {
        DeviceSpec device = new DeviceSpec(256, VirtioBlk.QEMU_DEFAULT_FEATURES, false, "vblk-fuzz", 0, 254, 512, 1,
                0x3f_ffffL, 1, 0x3f_ffffL);
        return new Scenario(0, device, DeviceFaultSpec.NONE, AllocatorSpec.GENEROUS, QueueSpec.SERIAL.withDepth(4),
                outcomes, steps, spec);
    }

    private static EraseLifetimeSpec both(long maxSectors, FakeBlkConfig.Lifetime lifetime) {
        return new EraseLifetimeSpec(true, true, maxSectors, 1, 1, true, true, lifetime);
    }

    @Test
    void aSecureEraseAboveTheLimitAndAReservedReportPassInTurnAndInABatch() {
        List<ScenarioStep> steps = List.of(new ScenarioStep.Write(10, 20, 3), new ScenarioStep.SecureErase(12, 17),
                new ScenarioStep.Read(10, 20), new ScenarioStep.GetLifetime(),
                new ScenarioStep.Batch(List.of(new ScenarioStep.SecureErase(40, 9), new ScenarioStep.GetLifetime(),
                        new ScenarioStep.Read(40, 9))));
        Verdict verdict = new ScenarioRunner().run(scenario(both(8, new FakeBlkConfig.Lifetime(7, 12, 0xffff)), List.of(),
                steps));
        assertTrue(verdict.passed(), verdict::toString);
    }

    @Test
    void limitsOfZeroAndFeaturesNotAllowedAreRefusedWithoutARequest() {
        List<ScenarioStep> steps = List.of(new ScenarioStep.SecureErase(0, 4), new ScenarioStep.GetLifetime(),
                new ScenarioStep.Batch(List.of(new ScenarioStep.SecureErase(8, 4), new ScenarioStep.Read(8, 4))));
        EraseLifetimeSpec zero = new EraseLifetimeSpec(true, true, 8, 0, 1, true, false, new FakeBlkConfig.Lifetime(1, 1, 1));
        Verdict verdict = new ScenarioRunner().run(scenario(zero, List.of(), steps));
        assertTrue(verdict.passed(), verdict::toString);
    }

    /** A report the device fails is no success; one it writes itself is returned as written, field by field. */
    @Test
    void aReportTheDeviceFailsOrWritesItselfIsJudgedAsTheDeviceAnswered() {
        List<ScriptedOutcome> outcomes = List.of(new ScriptedOutcome(0, new OutcomeSpec.Status(VirtioBlk.S_IOERR)),
                new ScriptedOutcome(1, new OutcomeSpec.Data(6, 0x41, 0)),
                new ScriptedOutcome(2, new OutcomeSpec.Status(VirtioBlk.S_UNSUPP)));
        List<ScenarioStep> steps = List.of(new ScenarioStep.GetLifetime(), new ScenarioStep.GetLifetime(),
                new ScenarioStep.SecureErase(0, 4));
        Verdict verdict = new ScenarioRunner().run(scenario(both(8, new FakeBlkConfig.Lifetime(2, 3, 4)), outcomes, steps));
        assertTrue(verdict.passed(), verdict::toString);
        assertTrue(verdict.findings().stream().noneMatch(f -> f.invariant() == Invariant.NO_FALSE_SUCCESS), verdict::toString);
    }
}
