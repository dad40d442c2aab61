package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.virtio.blk.BlkFeatures;
import org.junit.jupiter.api.Test;

/**
 * Seeds of the in-order family whose scenarios once failed: a read the device answered with 21 bytes
 * of data, its used entry skipped under the batch's one entry, so that the driver took it as whole.
 */
class InOrderSeedsTest {

    @Test
    void aShortAnswerIsNotHiddenUnderABatchsUsedEntry() {
        Verdict verdict = new ScenarioRunner().run(ScenarioGenerator.generate(8935).offering(BlkFeatures.MQ, true));
        assertTrue(verdict.passed(), verdict::toString);
    }
}
