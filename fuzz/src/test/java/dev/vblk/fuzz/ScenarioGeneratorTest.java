package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.MemoryTarget;
import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.fuzz.scenario.ScenarioJson;
import dev.vblk.fuzz.scenario.ScriptedOutcome;
import dev.vblk.virtio.FeatureBits;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The seed generator is deterministic, and a scenario survives being saved and read back. */
class ScenarioGeneratorTest {

    @ParameterizedTest
    @ValueSource(longs = {0, 1, 42, -7_278_709_470_210_847_746L, Long.MAX_VALUE, Long.MIN_VALUE})
    void sameSeedGivesAnEqualScenarioAndVerdict(long seed) {
        Scenario first = ScenarioGenerator.generate(seed);
        Scenario second = ScenarioGenerator.generate(seed);
        assertEquals(first, second);
        assertEquals(first.toString(), second.toString());
        assertEquals(seed, first.seed());
        Verdict a = new ScenarioRunner().run(first);
        Verdict b = new ScenarioRunner().run(second);
        assertEquals(a.findings(), b.findings());
        assertEquals(a.platformCalls(), b.platformCalls(), "the run is deterministic down to each platform call");
    }

    @Test
    void differentSeedsGiveDifferentScenarios() {
        assertNotEquals(ScenarioGenerator.generate(1).withSeed(0), ScenarioGenerator.generate(2).withSeed(0));
    }

    @Test
    void generatedScenariosCoverTheHostileParts() {
        int faults = 0;
        int outcomes = 0;
        int events = 0;
        for (long seed = 0; seed < 500; seed++) {
            Scenario s = ScenarioGenerator.generate(seed);
            faults += s.faults().overrides().isEmpty() && s.faults().withheldFeatures() == 0 ? 0 : 1;
            outcomes += s.outcomes().isEmpty() ? 0 : 1;
            events += (int) s.steps().stream().filter(step -> step instanceof dev.vblk.fuzz.scenario.ScenarioStep.DeviceEvent).count();
        }
        assertTrue(faults > 50 && outcomes > 200 && events > 200, faults + " " + outcomes + " " + events);
    }

    /**
     * A quarter of the scenarios rewrite driver-written memory of one of their first requests, every
     * target on split and on packed rings, and such a scenario reads back equal from its JSON.
     */
    @Test
    void memoryLiesAreGeneratedForEveryTargetOnSplitAndPackedRings() {
        Map<Boolean, Set<MemoryTarget>> targets = Map.of(false, EnumSet.noneOf(MemoryTarget.class),
                true, EnumSet.noneOf(MemoryTarget.class));
        int lying = 0;
        Scenario first = null;
        for (long seed = 0; seed < 2000; seed++) {
            Scenario s = ScenarioGenerator.generate(seed);
            boolean packed = FeatureBits.has(s.device().offeredFeatures(), FeatureBits.RING_PACKED);
            List<OutcomeSpec.Rewrites> rewrites = s.outcomes().stream().map(ScriptedOutcome::outcome)
                    .filter(OutcomeSpec.Rewrites.class::isInstance).map(OutcomeSpec.Rewrites.class::cast).toList();
            rewrites.forEach(r -> targets.get(packed).add(r.target()));
            lying += rewrites.isEmpty() ? 0 : 1;
            first = first == null && !rewrites.isEmpty() ? s : first;
        }
        assertEquals(EnumSet.allOf(MemoryTarget.class), targets.get(false));
        assertEquals(EnumSet.allOf(MemoryTarget.class), targets.get(true));
        assertTrue(lying > 400 && lying < 600, lying + " of 2000 scenarios lie about memory");
        assertEquals(first, ScenarioJson.fromJson(ScenarioJson.toJson(first)));
    }

    @ParameterizedTest
    @ValueSource(longs = {3, 99, 12_345, -1})
    void savedScenarioReadsBackEqual(long seed, @TempDir Path folder) {
        Scenario scenario = ScenarioGenerator.generate(seed);
        FailureArchive archive = new FailureArchive(folder);
        Path file = archive.save("case-" + Long.toUnsignedString(seed), new ScenarioRunner().run(scenario));
        assertTrue(file.getFileName().toString().endsWith(FailureArchive.SUFFIX));
        assertEquals(scenario, FailureArchive.read(file).scenario());
        assertEquals(1, archive.loadAll().size());
    }
}
