package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** A block of many identical events compresses to fewer bytes than it has entries, and must still read. */
class CompressedBlockTest {

    @ParameterizedTest
    @EnumSource(value = TraceCodec.class, names = {"DEFLATE", "ZSTANDARD"})
    void blockWithMoreEntriesThanCompressedBytesReadsBack(TraceCodec codec) {
        // A driver polling an idle used ring: the same clock read thousands of times in one block.
        List<TraceEvent> events = new ArrayList<>(Collections.nCopies(8000, new TraceEvent.ClockRead(1000)));
        byte[] file = TraceRoundTripTest.write(events, codec);
        assertTrue(file.length < events.size(), "the trace is smaller than its event count: " + file.length);

        try (TraceReader reader = TraceReader.open(new ByteArrayInputStream(file), TraceReader.Mode.COMPLETE)) {
            List<TraceEvent> read = new ArrayList<>();
            reader.forEachRemaining(read::add);
            assertEquals(events, read);
            assertTrue(reader.isComplete());
        }
    }
}
