package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.ArchivedFailure;
import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every scenario saved in {@code traces/regressions/} passes the oracle now. */
class RegressionReplayTest {

    private static final FailureArchive ARCHIVE = FailureArchive.regressions(Path.of(""));

    @Test
    void theArchiveHoldsScenarios() {
        assertTrue(ARCHIVE.loadAll().size() >= 1, "no regression scenarios in " + ARCHIVE.folder());
    }

    @TestFactory
    Stream<DynamicTest> everySavedScenarioPasses() {
        List<ArchivedFailure> saved = ARCHIVE.loadAll();
        ScenarioRunner runner = new ScenarioRunner();
        return saved.stream().map(failure -> DynamicTest.dynamicTest(failure.name(), () -> {
            Verdict verdict = runner.run(failure.scenario());
            assertTrue(verdict.passed(), () -> "once failed with " + failure.findings() + "\nnow " + verdict);
        }));
    }
}
