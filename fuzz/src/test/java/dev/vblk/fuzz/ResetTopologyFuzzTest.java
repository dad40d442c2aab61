package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.UsedIndexLie;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.campaign.ArchivedFailure;
import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.AllocatorSpec;
import dev.vblk.fuzz.scenario.DeviceFaultSpec;
import dev.vblk.fuzz.scenario.DeviceSpec;
import dev.vblk.fuzz.scenario.EraseLifetimeSpec;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.QueueSpec;
import dev.vblk.fuzz.scenario.ResetTopologySpec;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.fuzz.scenario.ScenarioJson;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.fuzz.scenario.ScriptedOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ring reset and topology family of the fuzzer: a quarter of the seeds let the driver accept
 * VIRTIO_F_RING_RESET, VIRTIO_BLK_F_TOPOLOGY or both over topology fields from the edges; the oracle
 * judges a queue reset alone (a broken ring or a timeout ends only the calls the queue held, later
 * calls succeed) and the topology reported, and finds nothing wrong with the driver. Scenarios saved
 * before the family read back without it.
 */
class ResetTopologyFuzzTest {

    private static final int SEEDS = 3000;

    @Test
    void aQuarterOfTheSeedsDrawTheFamilyInEveryCombination() {
        int families = 0;
        int ringReset = 0;
        int topology = 0;
        int both = 0;
        for (long seed = 0; seed < SEEDS; seed++) {
            ResetTopologySpec spec = ScenarioGenerator.generate(seed).resetTopology();
            if (spec.equals(ResetTopologySpec.NONE)) {
                continue;
            }
            families++;
            ringReset += spec.allowRingReset() ? 1 : 0;
            topology += spec.allowTopology() ? 1 : 0;
            both += spec.allowRingReset() && spec.allowTopology() ? 1 : 0;
        }
        assertTrue(families > SEEDS / 5 && families < SEEDS / 3, "families " + families);
        assertTrue(ringReset > 300 && topology > 300 && both > 150, ringReset + " " + topology + " " + both);
    }

    @Test
    void theOracleFindsNothingWrongInTheFamilysGeneratedScenarios() {
        assertEquals(List.of(), FamilyVerdicts.failingAmong(SEEDS, scenario -> !scenario.resetTopology().equals(ResetTopologySpec.NONE)));
    }

    @Test
    void aScenarioOfTheFamilyRoundTripsAndOldOnesReadBackWithout() throws IOException {
        for (long seed = 0; seed < 200; seed++) {
            Scenario scenario = ScenarioGenerator.generate(seed);
            assertEquals(scenario, ScenarioJson.fromJson(ScenarioJson.toJson(scenario)));
        }
        FailureArchive archive = FailureArchive.regressions(Path.of(""));
        int old = 0;
        for (ArchivedFailure saved : archive.loadAll()) {
            String json = Files.readString(archive.folder().resolve(saved.name() + FailureArchive.SUFFIX));
            if (!json.contains("resetTopology")) {
                old++;
                assertEquals(ResetTopologySpec.NONE, saved.scenario().resetTopology(), saved.name());
            }
        }
        assertTrue(old > 10, "old scenarios " + old);
    }

    /** A device offering RING_RESET and TOPOLOGY, the driver allowed both, one request at a time. */
    private static Scenario scenario(List<ScriptedOutcome> outcomes, List<ScenarioStep> steps) {
        DeviceSpec device = new DeviceSpec(256, VirtioBlk.QEMU_DEFAULT_FEATURES, false, "vblk-fuzz", 0, 254, 512, 1,
                0x3f_ffffL, 1, 0x3f_ffffL);
        return new Scenario(0, device, DeviceFaultSpec.NONE, AllocatorSpec.GENEROUS, QueueSpec.SERIAL, outcomes, steps,
                EraseLifetimeSpec.NONE, new ResetTopologySpec(true, true, new FakeBlkConfig.Topology(3, 9, 8, 12)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"notAHead", "indexBackwards", "duplicated", "never"})
    void aCallWhoseRingBreaksOrTimesOutEndsAloneAndTheNextCallsSucceed(String answer) {
        OutcomeSpec broken = switch (answer) {
            case "notAHead" -> new OutcomeSpec.NotAHead();
            case "indexBackwards" -> new OutcomeSpec.IndexLie(UsedIndexLie.Kind.BACKWARDS, 3);
            case "duplicated" -> new OutcomeSpec.Duplicated(2);
            default -> new OutcomeSpec.Never();
        };
        List<ScenarioStep> steps = List.of(new ScenarioStep.Write(10, 4, 7), new ScenarioStep.GetId(),
                new ScenarioStep.Read(10, 4), new ScenarioStep.Write(20, 2, 9), new ScenarioStep.Read(20, 2));
        Verdict verdict = new ScenarioRunner().run(scenario(List.of(new ScriptedOutcome(1, broken)), steps));
        assertTrue(verdict.passed(), verdict::toString);
    }
}
