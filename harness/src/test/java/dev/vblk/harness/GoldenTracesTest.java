package dev.vblk.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records each golden workload again on QEMU and checks that it still matches the checked-in trace:
 * a change of the format or the driver that needs the golden traces recorded again fails here.
 */
@RequiresQemu
class GoldenTracesTest {

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(GoldenTrace.class)
    void recordingAgainGivesTheSameOperationsOutcomesAndDriverEvents(GoldenTrace golden) {
        RunSummary summary = GoldenTraces.record(golden, directory);
        Trace checkedInTrace = TraceReader.readComplete(golden.file(GoldenTraceFiles.directory()));
        Trace againTrace = TraceReader.readComplete(golden.file(directory));
        TraceShape again = TraceShape.of(againTrace);
        List<String> differences = golden.timingDependent()
                ? TraceShape.withoutTiming(checkedInTrace).differences(TraceShape.withoutTiming(againTrace))
                : TraceShape.of(checkedInTrace).differences(again);
        assertTrue(differences.isEmpty(), golden.traceName() + " differs from the checked-in trace; if that is intended, "
                + "run traces/rerecord.sh --only " + golden.traceName() + ":\n" + String.join("\n", differences));
        assertEquals(again.events(), summary.events());
    }
}
