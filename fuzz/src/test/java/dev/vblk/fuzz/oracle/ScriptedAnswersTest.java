package dev.vblk.fuzz.oracle;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.DeviceRequest;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link ScriptedAnswers} judges a request the same way however many checks ask about it, and two
 * equal requests need an operation each in the disk's log.
 */
class ScriptedAnswersTest {

    @Test
    void aRequestAskedAboutTwiceIsStillExecutedAndDoesNotTakeAnEqualRequestsOperation() {
        RunState run = new RunState(ScenarioGenerator.generate(0), ScenarioRunner.DEFAULT_CALL_BUDGET, null, p -> p);
        ScriptedAnswers answers = new ScriptedAnswers(run);
        run.disk.read(0, new byte[512], 0, 512);
        Seen first = new Seen(read(1), new OutcomeSpec.Normal());
        Seen equal = new Seen(read(2), new OutcomeSpec.Normal());

        assertTrue(answers.completedNormally(first));
        assertTrue(answers.completedNormally(first), "asked a second time");
        assertFalse(answers.completedNormally(equal), "the one read the disk logged was the first request's");
    }

    private static DeviceRequest read(long index) {
        return new DeviceRequest(index, 0, VirtioBlk.T_IN, 0, 1, 512, null, List.of());
    }
}
