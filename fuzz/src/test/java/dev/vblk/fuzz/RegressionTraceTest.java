package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.ArchivedFailure;
import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.scenario.ScenarioJson;
import dev.vblk.fuzz.trace.ScenarioTraceRecorder;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every scenario in {@code traces/regressions/} has its trace next to it, recorded from that
 * scenario by the driver as it is now: recording the scenario again gives the same events and the
 * same relaxed-replay declaration. When this fails after a driver change, record the traces again
 * ({@code FailureArchive} main) and review the change.
 */
class RegressionTraceTest {

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> everySavedScenarioHasAnUpToDateTrace() {
        FailureArchive archive = FailureArchive.regressions(Path.of(""));
        return archive.loadAll().stream().map(failure -> DynamicTest.dynamicTest(failure.name(), () -> check(archive, failure)));
    }

    private void check(FailureArchive archive, ArchivedFailure failure) {
        Path committed = archive.folder().resolve(failure.name() + FailureArchive.TRACE_SUFFIX);
        assertTrue(Files.isRegularFile(committed), "no trace " + committed + " for " + failure.name()
                + "; record it with dev.vblk.fuzz.campaign.FailureArchive");
        Trace saved = TraceReader.readComplete(committed);
        assertEquals(failure.scenario(), ScenarioJson.fromJson(saved.metadata().workload()), "the trace's workload");
        Trace again = TraceReader.readComplete(new ScenarioTraceRecorder()
                .record(failure.scenario(), dir.resolve("again.trace.avro"), Instant.EPOCH).file());
        assertEquals(again.metadata().platform(), saved.metadata().platform(), "platform metadata of " + committed);
        assertEquals(again.events(), saved.events(), () -> committed + " is not what the driver does now: record it again"
                + " with dev.vblk.fuzz.campaign.FailureArchive");
    }
}
