package dev.vblk.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceFormat;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every checked-in golden trace reads back whole, and writing its events again gives the same trace. */
class GoldenTraceRoundTripTest {

    /** Golden traces must stay small enough to review and to keep in the repository. */
    private static final long MAX_BYTES = 256 * 1024;

    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(GoldenTrace.class)
    void readsCompletelyAndRewritesToTheSameEvents(GoldenTrace golden) throws IOException {
        Path file = golden.file(GoldenTraceFiles.directory());
        assertTrue(Files.isRegularFile(file), "missing golden trace " + file + "; record it with traces/rerecord.sh");
        assertTrue(Files.size(file) < MAX_BYTES, file + " is " + Files.size(file) + " bytes");
        Trace trace = TraceReader.readComplete(file);
        assertTrue(trace.complete());
        assertEquals(golden.preset().text(), trace.metadata().workload());
        assertEquals("qemu", trace.metadata().platform().get("kind"));

        Path copy = directory.resolve("copy.trace.avro");
        try (TraceWriter writer = TraceWriter.create(copy, trace.metadata(), TraceCodec.NONE)) {
            for (TraceEvent event : trace.events()) {
                writer.append(event);
            }
        }
        Trace again = TraceReader.readComplete(copy);
        assertTrue(again.complete());
        TraceMetadata read = trace.metadata();
        assertEquals(new TraceMetadata(TraceFormat.FORMAT_VERSION, read.projectVersion(), read.created(), read.platform(),
                read.diskImages(), read.workload(), read.seed(), read.board()), again.metadata(),
                "the same metadata, written as the current format version");
        assertEquals(trace.events(), again.events());
    }
}
