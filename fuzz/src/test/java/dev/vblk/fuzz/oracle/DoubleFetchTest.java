package dev.vblk.fuzz.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.MemoryTarget;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.fuzz.scenario.ScriptedOutcome;
import dev.vblk.fuzz.shrink.ScenarioShrinker;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.virtio.FeatureBits;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Invariant#NO_DOUBLE_FETCH}: a driver that reads back a descriptor's address from the ring is
 * caught on the split and the packed ring, the driver as it is keeps every invariant while the
 * device rewrites each kind of memory it published, once it has fetched it, and shrinking drops a
 * rewrite a failure does not need.
 */
class DoubleFetchTest {

    /** Generated seeds tried for a scenario that sends requests. */
    private static final int SEEDS = 40;

    @ParameterizedTest(name = "packed ring {0}")
    @ValueSource(booleans = {false, true})
    void aDriverThatRereadsADescriptorAddressFromTheRingIsCaught(boolean packed) {
        ScenarioRunner planted = new ScenarioRunner(ScenarioRunner.DEFAULT_CALL_BUDGET, RereadsDescriptorAddress::new);
        Verdict caught = null;
        for (long seed = 0; seed < SEEDS && caught == null; seed++) {
            Scenario scenario = ScenarioGenerator.generate(seed).offering(FeatureBits.RING_PACKED, packed);
            Verdict verdict = planted.run(scenario);
            if (verdict.violated().contains(Invariant.NO_DOUBLE_FETCH)) {
                caught = verdict;
            }
        }
        assertNotNull(caught, "no scenario of " + SEEDS + " seeds caught the re-read");
        Verdict fixed = new ScenarioRunner().run(caught.scenario());
        assertFalse(fixed.violated().contains(Invariant.NO_DOUBLE_FETCH), fixed::toString);
    }

    @ParameterizedTest(name = "packed ring {0}")
    @ValueSource(booleans = {false, true})
    void everyRewriteAfterTheFetchLeavesTheDriverCorrect(boolean packed) {
        int runs = 0;
        for (long seed = 0; runs < 3 * MemoryTarget.values().length; seed++) {
            Scenario plain = ScenarioGenerator.generate(seed).offering(FeatureBits.RING_PACKED, packed);
            if (!new ScenarioRunner().run(plain).passed()) {
                continue;
            }
            for (MemoryTarget target : MemoryTarget.values()) {
                Scenario lied = rewriting(plain, target, (int) (seed * 37 + target.ordinal() * 101) & 0xff);
                Verdict verdict = new ScenarioRunner().run(lied);
                assertTrue(verdict.passed(), verdict::toString);
                runs++;
            }
        }
        assertEquals(3 * MemoryTarget.values().length, runs);
    }

    /**
     * A failure that needs a request's answer but not the rewrite before it (a driver that takes every
     * status byte for OK, answered status 1) shrinks to the answer alone.
     */
    @Test
    void shrinkingDropsARewriteTheFailureDoesNotNeed() {
        ScenarioRunner statusIgnored = new ScenarioRunner(ScenarioRunner.DEFAULT_CALL_BUDGET,
                platform -> new ForwardingPlatform(platform) {
                    @Override
                    public void readMemory(long address, byte[] destination, int offset, int length) {
                        super.readMemory(address, destination, offset, length);
                        if (length == 1) {
                            destination[offset] = 0;
                        }
                    }
                });
        ScriptedOutcome lie = new ScriptedOutcome(0, new OutcomeSpec.Rewrites(MemoryTarget.HEADER, 0xff,
                new OutcomeSpec.Status(1)));
        Verdict failing = null;
        for (long seed = 0; failing == null; seed++) {
            Scenario s = ScenarioGenerator.generate(seed);
            Verdict verdict = statusIgnored.run(new Scenario(0, s.device(), s.faults(), s.allocator(), s.queue(),
                    List.of(lie), s.steps()));
            if (!verdict.findings().isEmpty() && verdict.findings().get(0).invariant() == Invariant.NO_FALSE_SUCCESS) {
                failing = verdict;
            }
        }
        Verdict shrunk = new ScenarioShrinker(statusIgnored, ScenarioShrinker.DEFAULT_RUNS).shrink(failing).verdict();
        assertEquals(List.of(new ScriptedOutcome(0, new OutcomeSpec.Status(1))), shrunk.scenario().outcomes(),
                shrunk::toString);
    }

    /** {@code scenario} with the first eight requests' {@code target} rewritten, each keeping its answer. */
    private static Scenario rewriting(Scenario scenario, MemoryTarget target, int pattern) {
        List<ScriptedOutcome> outcomes = new ArrayList<>();
        for (int index = 0; index < 8; index++) {
            outcomes.add(new ScriptedOutcome(index, new OutcomeSpec.Rewrites(target, pattern,
                    OutcomeSpec.answer(scenario.outcomeOf(index)))));
        }
        return new Scenario(scenario.seed(), scenario.device(), scenario.faults(), scenario.allocator(), scenario.queue(),
                outcomes, scenario.steps());
    }
}
