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
import dev.vblk.fuzz.scenario.QueueSpec;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.fuzz.scenario.ScenarioJson;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.fuzz.scenario.ScenarioStep.ZoneCall;
import dev.vblk.fuzz.scenario.ScenarioStep.ZoneCommand;
import dev.vblk.fuzz.scenario.ZonedSpec;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The zoned family of the fuzzer: one seed in eight has a zoned device, host-managed or host-aware,
 * sometimes breaking the zone rules, and zone calls and writes at and off the write pointers in its
 * workload; the oracle finds nothing wrong with the driver, and judges a driver that believes a zone
 * lie, or gives a refusal of the device's zone rules another kind, under {@link Invariant#ZONES} and
 * {@link Invariant#ERROR_KIND}.
 */
class ZonedFuzzTest {

    private static final int SEEDS = 3000;
    private static final long ZONE = 16;

    @Test
    void anEighthOfTheSeedsDrawTheFamilyWithBothModelsEveryLieAndEveryZoneCall() {
        int families = 0;
        Set<Integer> models = new HashSet<>();
        Set<FakeBlkConfig.ZoneLie> lies = EnumSet.noneOf(FakeBlkConfig.ZoneLie.class);
        Set<ZoneCommand> commands = EnumSet.noneOf(ZoneCommand.class);
        for (long seed = 0; seed < SEEDS; seed++) {
            Scenario scenario = ScenarioGenerator.generate(seed);
            if (!scenario.zoned().zoned()) {
                continue;
            }
            families++;
            models.add(scenario.zoned().model());
            lies.add(scenario.zoned().lie());
            scenario.steps().stream().filter(ZoneCall.class::isInstance).forEach(step -> commands.add(((ZoneCall) step).command()));
            assertEquals(scenario.zoned().capacitySectors(), scenario.device().capacitySectors());
        }
        assertTrue(families > SEEDS / 10 && families < SEEDS / 6, "families " + families);
        assertEquals(Set.of(1, 2), models);
        assertEquals(EnumSet.allOf(FakeBlkConfig.ZoneLie.class), lies);
        assertEquals(EnumSet.allOf(ZoneCommand.class), commands);
    }

    @Test
    void theOracleFindsNothingWrongInTheFamilysGeneratedScenarios() {
        assertEquals(List.of(), FamilyVerdicts.failingAmong(SEEDS, scenario -> scenario.zoned().zoned()));
    }

    @Test
    void aScenarioOfTheFamilyRoundTripsThroughJson() {
        int families = 0;
        for (long seed = 0; seed < 400; seed++) {
            Scenario scenario = ScenarioGenerator.generate(seed);
            families += scenario.zoned().zoned() ? 1 : 0;
            assertEquals(scenario, ScenarioJson.fromJson(ScenarioJson.toJson(scenario)));
        }
        assertTrue(families > 20, "families " + families);
    }

    /** A host-managed device of four 16-sector zones lying as {@code lie} says, and {@code steps}. */
    private static Scenario scenario(FakeBlkConfig.ZoneLie lie, List<ScenarioStep> steps) {
        ZonedSpec spec = new ZonedSpec(1, ZONE, 4, 2, 3, ZONE, lie);
        DeviceSpec device = new DeviceSpec(spec.capacitySectors(), VirtioBlk.QEMU_DEFAULT_FEATURES, false, "vblk-fuzz", 0,
                254, 512, 1, 0x3f_ffffL, 1, 0x3f_ffffL);
        return new Scenario(0, device, DeviceFaultSpec.NONE, AllocatorSpec.GENEROUS, QueueSpec.SERIAL, List.of(), steps)
                .withZoned(spec);
    }

    private static final List<ScenarioStep> EVERY_CALL = List.of(
            new ZoneCall(ZoneCommand.REPORT, 0, 4, 0),
            new ScenarioStep.Write(ZONE, 2, 1),
            new ZoneCall(ZoneCommand.APPEND, ZONE, 3, 2),
            new ScenarioStep.Read(ZONE, 5),
            new ScenarioStep.Write(ZONE + 9, 1, 3),
            new ZoneCall(ZoneCommand.OPEN, 2 * ZONE, 0, 0),
            new ZoneCall(ZoneCommand.OPEN, 0, 0, 0),
            new ZoneCall(ZoneCommand.CLOSE, 2 * ZONE, 0, 0),
            new ZoneCall(ZoneCommand.FINISH, 3 * ZONE, 0, 0),
            new ZoneCall(ZoneCommand.REPORT, ZONE + 3, 8, 0),
            new ZoneCall(ZoneCommand.RESET, ZONE, 0, 0),
            new ZoneCall(ZoneCommand.RESET_ALL, 0, 0, 0),
            new ZoneCall(ZoneCommand.APPEND, ZONE + 1, 1, 0));

    @Test
    void everyZoneCallAndTheRefusalsOfTheZoneRulesPassOnAnHonestDevice() {
        Verdict verdict = new ScenarioRunner().run(scenario(FakeBlkConfig.ZoneLie.NONE, EVERY_CALL));
        assertTrue(verdict.passed(), verdict::toString);
    }

    @Test
    void everyZoneLieEndsInProtocolViolationAndPasses() {
        for (FakeBlkConfig.ZoneLie lie : FakeBlkConfig.ZoneLie.values()) {
            Verdict verdict = new ScenarioRunner().run(scenario(lie, EVERY_CALL));
            assertTrue(verdict.passed(), lie + ": " + verdict);
        }
    }
}
