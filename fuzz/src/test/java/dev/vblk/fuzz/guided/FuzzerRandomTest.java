package dev.vblk.fuzz.guided;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.scenario.Scenario;
import java.lang.reflect.Proxy;
import java.nio.ByteBuffer;
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

    /**
     * The fuzzer's bytes as far as {@link FuzzerRandom} reads them (ints and the count left), in their
     * order: Jazzer's own provider needs the runtime its engine installs.
     */
    private static FuzzedDataProvider provider(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        return (FuzzedDataProvider) Proxy.newProxyInstance(FuzzedDataProvider.class.getClassLoader(),
                new Class<?>[] {FuzzedDataProvider.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "remainingBytes" -> buffer.remaining();
                    case "consumeInt" -> buffer.getInt();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Scenario scenario(byte[] bytes) {
        return ScenarioFuzzTest.scenario(provider(bytes));
    }

    /** Too few bytes for the draws a scenario takes, so the fixed-seed draws after them matter too. */
    @Test
    void theSameBytesBuildAnEqualScenario() {
        for (long seed = 0; seed < 50; seed++) {
            assertEquals(scenario(bytes(seed, 8)), scenario(bytes(seed, 8)));
        }
    }

    @Test
    void otherBytesBuildOtherScenarios() {
        long distinct = LongStream.range(0, 50).mapToObj(seed -> scenario(bytes(seed, 300))).distinct().count();
        assertEquals(50, distinct);
    }

    @Test
    void drawsComeFromTheBytesAndThenFromTheFixedSeed() {
        Random random = new FuzzerRandom(provider(new byte[] {0, 0, 0, 1}));
        int fromBytes = random.nextInt();
        SplittableRandom fallback = new SplittableRandom(FuzzerRandom.FALLBACK_SEED);
        assertEquals(fallback.nextInt(), random.nextInt());
        assertEquals(fallback.nextInt(), random.nextInt());
        Random other = new FuzzerRandom(provider(new byte[] {0, 0, 0, 2}));
        assertNotEquals(fromBytes, other.nextInt());
    }

    @Test
    void aFailingVerdictFailsTheTarget() {
        ScenarioRunner tight = new ScenarioRunner(50);
        Scenario scenario = LongStream.range(0, 20).mapToObj(seed -> scenario(bytes(seed, 300)))
                .filter(s -> !tight.run(s).passed()).findFirst().orElseThrow();
        assertEquals(Invariant.BOUNDED, tight.run(scenario).findings().get(0).invariant(), scenario::toString);
        AssertionError error = assertThrows(AssertionError.class, () -> ScenarioFuzzTest.holds(tight, scenario));
        assertTrue(error.getMessage().contains("BOUNDED"), error::getMessage);
        ScenarioFuzzTest.holds(new ScenarioRunner(), scenario);
    }
}
