package dev.vblk.fuzz.guided;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vblk.fuzz.ScenarioArbitraries;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.sessions.JqwikSession;

/**
 * The driver against hostile devices, guided by the driver's code coverage: Jazzer's bytes build a
 * scenario and the oracle judges its run; a failing verdict fails the target, which makes it a
 * finding. In every build the inputs kept in
 * {@code src/test/resources/dev/vblk/fuzz/guided/ScenarioFuzzTestInputs/scenarios} run again as
 * regression tests; {@code fuzz/guided.sh} fuzzes (docs/fuzzing.md).
 */
class ScenarioFuzzTest {

    /** jqwik's generation size (its default number of tries): how far sizes and ranges reach. */
    static final int GENERATION_SIZE = 1000;

    /**
     * Where a scenario comes from: the seeded generator with a seed from the bytes, or one of the
     * jqwik families (hostile in every part, many requests in flight, hostile request outcomes,
     * hostile initialisation). jqwik takes three draws from the bytes (the source and a 64-bit seed)
     * and builds the scenario's parts with generators of its own seeded from them.
     */
    private static final Arbitrary<Scenario> SCENARIOS = Arbitraries.oneOf(
            Arbitraries.longs().map(ScenarioGenerator::generate),
            ScenarioArbitraries.scenarios(),
            ScenarioArbitraries.queueScenarios(),
            ScenarioArbitraries.requestScenarios(),
            ScenarioArbitraries.initialisationScenarios());

    private final ScenarioRunner runner = new ScenarioRunner();

    @FuzzTest
    void scenarios(FuzzedDataProvider data) {
        holds(runner, scenario(data));
    }

    /** The scenario {@code data} builds: the same bytes always build an equal scenario. */
    static Scenario scenario(FuzzedDataProvider data) {
        // jqwik generates inside a session of its own outside its properties.
        JqwikSession.start();
        try {
            return SCENARIOS.generator(GENERATION_SIZE).next(new FuzzerRandom(data)).value();
        } finally {
            JqwikSession.finish();
        }
    }

    /** Runs {@code scenario} with {@code runner} and fails, with the verdict, unless every invariant held. */
    static void holds(ScenarioRunner runner, Scenario scenario) {
        Verdict verdict = runner.run(scenario);
        assertTrue(verdict.passed(), verdict::toString);
    }
}
