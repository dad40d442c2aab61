package dev.vblk.fuzz.coverage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import org.junit.jupiter.api.Test;

/**
 * The coverage a generated scenario's run notes from its own register accesses is the coverage a
 * {@link CoverageProbe} between the driver and the machine sees in the same run.
 */
class ScenarioCoverageTest {

    @Test
    void aRunNotesWhatAProbeOnTheDriversPlatformSees() {
        int withKeys = 0;
        for (long index = 0; index < 300; index++) {
            Scenario scenario = ScenarioGenerator.generate(FuzzCampaign.caseSeed(5, index));
            BehaviourCoverage noted = new BehaviourCoverage();
            new ScenarioRunner().run(scenario, noted);
            BehaviourCoverage probed = new BehaviourCoverage();
            new ScenarioRunner(ScenarioRunner.DEFAULT_CALL_BUDGET,
                    platform -> new CoverageProbe(platform, MmioWindow.QEMU_VIRT, probed)).run(scenario);
            assertEquals(new BehaviourCoverage().addAll(probed), new BehaviourCoverage().addAll(noted),
                    "case " + index + ": " + scenario);
            withKeys += noted.size() > 0 ? 1 : 0;
        }
        assertEquals(300, withKeys, "every case reads the device's registers");
    }
}
