package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.trace.Trace;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BranchReplayTest {

    @TempDir
    Path dir;

    @Test
    void anUnchangedDriverReproducesTheRecordingWhereverItGoesLive() {
        Path file = FakeTraces.record(dir.resolve("b.trace.avro"), RequestHook.NORMAL.at(4, RequestOutcome.status(1)),
                FakeTraces.mixedWorkload());
        Trace trace = FakeTraces.read(file);
        int size = trace.events().size();
        List<RecordedOperation> operations = RecordedOperation.completeTopLevel(trace.events());
        int[] points = {0, 1, 37, operations.get(1).beginIndex(), operations.get(3).beginIndex() + 20, size / 2,
            operations.get(operations.size() - 1).beginIndex() + 3, size - 2};

        for (int point : points) {
            AtomicInteger wentLive = new AtomicInteger();
            ReplayResult result = Replayer.branch(trace, "b", point,
                    ReplayOptions.DEFAULTS.withAtBranch(machine -> wentLive.incrementAndGet()));

            assertEquals(ReplayResult.Status.REPRODUCED, result.status(), "branch at " + point + ": " + result.render());
            assertEquals(result.operationsInTrace(), result.operationsCompared());
            assertEquals(1, wentLive.get(), "branch at " + point);
            assertTrue(result.notes().contains("went live at trace position " + point), result.notes().toString());
            assertFalse(result.notes().stream().anyMatch(note -> note.contains("otherwise than the trace")),
                    "the live machine is in step before the branch: " + result.notes());
        }
    }

    @Test
    void aBranchPastTheEndIsAStrictReplay() {
        Path file = FakeTraces.record(dir.resolve("s.trace.avro"), RequestHook.NORMAL, FakeTraces.mixedWorkload());
        Trace trace = FakeTraces.read(file);

        ReplayResult result = Replayer.branch(trace, "s", trace.events().size() + 10, ReplayOptions.DEFAULTS);
        ReplayResult changed = Replayer.branch(trace, "s", trace.events().size() + 10,
                ReplayOptions.DEFAULTS.withDriverView(StrictReplayTest::droppingFeaturesOk));

        assertEquals(ReplayResult.Status.REPRODUCED, result.status(), result.render());
        assertEquals(trace.events().size(), result.eventsReplayed());
        assertTrue(result.notes().get(result.notes().size() - 1).startsWith("never went live"), result.notes().toString());
        assertEquals(ReplayResult.Status.DIVERGED, changed.status());
        assertTrue(changed.divergence().orElseThrow().mode().startsWith("branch at event"));
    }

    @Test
    void afterTheBranchTheLiveDeviceAnswersAndCanBeMadeToFail() {
        Path file = FakeTraces.record(dir.resolve("f.trace.avro"), RequestHook.NORMAL, FakeTraces.mixedWorkload());
        Trace trace = FakeTraces.read(file);
        List<RecordedOperation> operations = RecordedOperation.completeTopLevel(trace.events());
        RecordedOperation flush = operations.get(5);

        ReplayResult result = Replayer.branch(trace, "f", flush.beginIndex(), ReplayOptions.DEFAULTS.withAtBranch(
                machine -> machine.devices().get(31).setRequestHook(request -> RequestOutcome.status(1))));

        assertEquals(ReplayResult.Status.DIVERGED, result.status());
        DivergenceReport report = result.divergence().orElseThrow();
        assertEquals(5, result.operationsCompared());
        assertTrue(report.headline().contains("flush " + FakeTraces.DEVICE + ": trace has succeeded"), report.headline());
        assertTrue(report.headline().endsWith("replay failed FLUSH_FAILED"), report.headline());
    }
}
