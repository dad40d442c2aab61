package dev.vblk.fuzz.seeded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.replay.ReplayOptions;
import dev.vblk.replay.ReplayResult;
import dev.vblk.replay.Replayer;
import dev.vblk.trace.TraceReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trace-seeded fuzzing from QEMU's golden traces finds a driver that ignores status bytes, from the
 * io-error trace of one request at a time as from the depth-32 (split ring) and packed traces, whose
 * 32 submissions at a time go to the device with one notification; the driver as it is passes.
 */
class TraceSeededFuzzingTest {

    /** The cases the planted bug must be found within. */
    static final int CASES = 40;

    /** The golden trace {@code traces/<name>.trace.avro} as a seed. */
    static SeedTrace seed(String name) {
        Path traces = FailureArchive.regressions(Path.of("")).folder().getParent();
        return SeedTrace.read(traces.resolve(name + ".trace.avro"));
    }

    static TraceMutation mutation(SeedTrace seed, int index) {
        return TraceMutator.draw(seed, new SplittableRandom(FuzzCampaign.caseSeed(42, index)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"io-error", "depth-32", "packed", "in-order"})
    void aGoldenTraceFindsAnIgnoredStatusByteAndTheSavedTraceReproducesIt(String name, @TempDir Path dir)
            throws IOException {
        SeedTrace seed = seed(name);
        SeededRunner broken = new SeededRunner(IgnoredStatusByte::new, ScenarioRunner.DEFAULT_CALL_BUDGET);
        SeededVerdict found = null;
        int cases = 0;
        while (found == null && cases < CASES) {
            SeededVerdict verdict = broken.run(seed, mutation(seed, cases++));
            if (!verdict.passed()) {
                found = verdict;
            }
        }
        assertNotNull(found, "no failure in " + CASES + " cases");
        SeededVerdict failure = found;
        assertTrue(failure.findings().stream().anyMatch(f -> f.invariant() == Invariant.NO_FALSE_SUCCESS), failure::toString);

        Path saved = dir.resolve("found.trace.avro");
        Files.write(saved, failure.recording());
        ReplayResult again = Replayer.strict(saved, ReplayOptions.DEFAULTS.withDriverView(IgnoredStatusByte::new));
        assertEquals(ReplayResult.Status.REPRODUCED, again.status(), again::render);
        assertEquals(failure.findings(), TraceOracle.judge(TraceReader.readComplete(saved).events(), seed.window()));
        assertEquals(failure.mutation().describe(), TraceReader.readComplete(saved).metadata().platform()
                .get(SeededRunner.MUTATION_KEY));
        ReplayResult fixed = Replayer.strict(saved);
        assertEquals(ReplayResult.Status.DIVERGED, fixed.status(), "the driver as it is does not ignore the status byte");
    }

    @ParameterizedTest
    @ValueSource(strings = {"io-error", "depth-32", "packed", "in-order"})
    void theGoldenTraceAsRecordedHasNoFinding(String name) {
        SeedTrace seed = seed(name);
        assertEquals(List.of(), TraceOracle.judge(seed.trace().events(), seed.window()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"io-error", "depth-32", "packed", "in-order"})
    void theDriverAsItIsPassesTheSameCases(String name) {
        SeedTrace seed = seed(name);
        SeededRunner runner = new SeededRunner();
        for (int i = 0; i < CASES; i++) {
            SeededVerdict verdict = runner.run(seed, mutation(seed, i));
            assertTrue(verdict.passed(), verdict::toString);
        }
    }
}
