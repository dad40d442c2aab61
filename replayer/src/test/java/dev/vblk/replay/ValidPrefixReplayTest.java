package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A trace file cut anywhere replays up to its last operation whose events are all there: a
 * submission whose events were cut with the file is not one of them, however its batch stood. The
 * traces cut are those of formats 2 and 3, whose writer ended a block with every operation, so that
 * most cuts leave whole operations to replay; a format 4 writer ends blocks by time and size.
 */
class ValidPrefixReplayTest {

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"format-2/depth-32", "format-2/packed", "format-3/multi-queue"})
    void everyCutOfABatchedTraceReproducesItsValidPrefix(String name) throws Exception {
        byte[] whole = Files.readAllBytes(TraceRegressionTest.repositoryRoot().resolve("traces/" + name + TraceRegressionTest.SUFFIX));
        int replayed = 0;
        for (int length = whole.length / 8; length < whole.length; length += whole.length / 40) {
            Path cut = Files.write(directory.resolve("cut.trace.avro"), Arrays.copyOf(whole, length));
            for (boolean relaxed : new boolean[] {false, true}) {
                ReplayOptions options = ReplayOptions.DEFAULTS.withValidPrefix();
                ReplayResult result = relaxed ? Replayer.relaxed(cut, options) : Replayer.strict(cut, options);
                if (result.status() == ReplayResult.Status.BAD_TRACE) {
                    assertTrue(result.message().contains("before its first checkpoint")
                            || result.message().contains("no complete operation"), length + ": " + result.render());
                    continue;
                }
                assertEquals(ReplayResult.Status.REPRODUCED, result.status(), "cut at byte " + length + ": " + result.render());
                replayed++;
            }
        }
        assertTrue(replayed > 20, replayed + " cuts replayed");
    }

    /**
     * The cut of the report: in the middle of a write submitted after the batch of reads, in the
     * golden trace as it was then (format 2, whose blocks ended with every operation).
     */
    @Test
    void theDepth32TraceCutInASubmission() throws Exception {
        byte[] whole = Files.readAllBytes(TraceRegressionTest.repositoryRoot().resolve("traces/format-2/depth-32" + TraceRegressionTest.SUFFIX));
        Path cut = Files.write(directory.resolve("cut.trace.avro"), Arrays.copyOf(whole, 45948));
        ReplayResult result = Replayer.strict(cut, ReplayOptions.DEFAULTS.withValidPrefix());
        assertEquals(ReplayResult.Status.REPRODUCED, result.status(), result.render());
        assertEquals(148, result.operationsCompared());
    }
}
