package dev.vblk.fuzz.oracle;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScriptedOutcome;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A GET_ID whose head another request's used element named, and whose own answer then completed
 * the chain a second time: the regression {@code get-id-completed-by-another-requests-used-element},
 * a batch of GET_ID, flush and GET_ID at depth 4 where the first GET_ID's element names the second's
 * head (descriptor 2) with 21 bytes, and the second's own answer comes 5 ms later.
 */
class ChainCompletedTwiceTest {

    @Test
    void aShortAnswerMayStillSucceedOnTheOtherElement() {
        assertTrue(new ScenarioRunner().run(withSecondAnswer(new OutcomeSpec.Data(19, 197, 0))).passed());
    }

    /**
     * Status 0 without data, written either way: the driver saw a used element name the GET_ID's head
     * with 21 bytes and a status byte of 0, which it cannot tell from a true completion, so whatever it
     * returns is no false success of its own (seed 2002's case 621503 of a million-case campaign).
     */
    @Test
    void aStatusZeroAnswerWithoutDataMaySucceedOnTheOtherElement() {
        for (OutcomeSpec answer : List.of(new OutcomeSpec.Status(0), new OutcomeSpec.Data(0, 197, 0))) {
            Verdict verdict = new ScenarioRunner().run(withSecondAnswer(answer));
            assertTrue(verdict.passed(), () -> answer + " failed: " + verdict);
        }
    }

    /** The regression scenario with the second GET_ID (request 3) answered {@code answer} after 5 ms. */
    private static Scenario withSecondAnswer(OutcomeSpec answer) {
        Scenario saved = FailureArchive.read(FailureArchive.regressions(Path.of("")).folder()
                .resolve("get-id-completed-by-another-requests-used-element" + FailureArchive.SUFFIX)).scenario();
        List<ScriptedOutcome> outcomes = saved.outcomes().stream().map(scripted -> scripted.requestIndex() == 3
                ? new ScriptedOutcome(3, new OutcomeSpec.Delayed(5_000_000, answer)) : scripted).toList();
        return new Scenario(saved.seed(), saved.device(), saved.faults(), saved.allocator(), saved.queue(), outcomes,
                saved.steps());
    }
}
