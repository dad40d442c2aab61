package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.DeviceSpec;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.virtio.FeatureBits;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeds whose scenarios once failed on the packed ring only: a used index that jumps a lap ahead
 * with several requests in flight, and a duplicated completion of the only request in flight.
 */
class PackedRingSeedsTest {

    @ParameterizedTest
    @ValueSource(longs = {-47L, -804062884094L})
    void seededScenarioPassesOnThePackedRing(long seed) {
        Scenario scenario = ScenarioGenerator.generate(seed);
        DeviceSpec d = scenario.device();
        DeviceSpec packed = new DeviceSpec(d.capacitySectors(), d.offeredFeatures() | 1L << FeatureBits.RING_PACKED,
                d.readOnly(), d.idString(), d.sizeMax(), d.segMax(), d.blkSize(), d.writeback(), d.maxDiscardSectors(),
                d.discardAlignment(), d.maxWriteZeroesSectors());
        Verdict verdict = new ScenarioRunner().run(new Scenario(scenario.seed(), packed, scenario.faults(),
                scenario.allocator(), scenario.queue(), scenario.outcomes(), scenario.steps()));
        assertTrue(verdict.passed(), verdict::toString);
    }
}
