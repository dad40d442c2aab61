package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.RequestHook;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A trace file's first pass goes on from the header read for its metadata; later passes open the file again. */
class TraceSourceTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void theFirstPassReadsOnFromTheHeaderReadForTheMetadata(boolean readAhead) throws Exception {
        Path file = FakeTraces.record(dir.resolve("mixed.trace.avro"), RequestHook.NORMAL, FakeTraces.mixedWorkload());
        List<TraceEvent> expected = FakeTraces.read(file).events();
        TraceSource source = TraceSource.of(file, TraceReader.Mode.COMPLETE, readAhead);

        // The file is gone, but the reader the header was read with still has it open.
        Files.delete(file);
        List<TraceEvent> read = new ArrayList<>();
        try (TraceSource.Pass pass = source.open()) {
            pass.forEachRemaining(read::add);
            assertTrue(pass.complete());
        }

        assertEquals(expected, read);
        UncheckedIOException again = assertThrows(UncheckedIOException.class, source::open);
        assertTrue(again.getMessage().startsWith("no trace file"), again.getMessage());
    }
}
