package dev.vblk.fuzz.guided;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.driver.FuzzedDataProviderImpl;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.scenario.Scenario;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzer bytes build scenarios deterministically (so that a kept input replays what the fuzzer ran),
 * changed bytes build other scenarios, and a failing verdict fails the target.
 */
class FuzzerRandomTest {

    private static byte[] bytes(long seed, int length) {
        byte[] bytes = new byte[length];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    private static Scenario scenario(byte[] bytes) {
        return ScenarioFuzzTest.scenario(FuzzedDataProviderImpl.withJavaData(bytes));
    }

    @Test
    void theSameBytesBuildAnEqualScenario() {
        for (long seed = 0; seed < 50; seed++) {
            assertEquals(scenario(bytes(seed, 300)), scenario(bytes(seed, 300)));
        }
    }

    @Test
    void otherBytesBuildOtherScenarios() {
        long distinct = LongStream.range(0, 50).mapToObj(seed -> scenario(bytes(seed, 300))).distinct().count();
        assertEquals(50, distinct);
    }

    @Test
    void drawsComeFromTheBytesAndThenFromTheFixedSeed() {
        Random random = new FuzzerRandom(FuzzedDataProviderImpl.withJavaData(new byte[] {0, 0, 0, 1}));
        int fromBytes = random.nextInt();
        SplittableRandom fallback = new SplittableRandom(FuzzerRandom.FALLBACK_SEED);
        assertEquals(fallback.nextInt(), random.nextInt());
        assertEquals(fallback.nextInt(), random.nextInt());
        Random other = new FuzzerRandom(FuzzedDataProviderImpl.withJavaData(new byte[] {0, 0, 0, 2}));
        assertNotEquals(fromBytes, other.nextInt());
    }

    @Test
    void aFailingVerdictFailsTheTarget() {
        ScenarioRunner tight = new ScenarioRunner(50);
        Scenario scenario = scenario(bytes(2, 300));
        assertEquals(Invariant.BOUNDED, tight.run(scenario).findings().get(0).invariant(), scenario::toString);
        AssertionError error = assertThrows(AssertionError.class, () -> ScenarioFuzzTest.holds(tight, scenario));
        assertTrue(error.getMessage().contains("BOUNDED"), error::getMessage);
        ScenarioFuzzTest.holds(new ScenarioRunner(), scenario);
    }
}
