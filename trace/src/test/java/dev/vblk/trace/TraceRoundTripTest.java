package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class TraceRoundTripTest {

    @Property(tries = 1000)
    void eventsReadBackEqual(@ForAll("eventLists") List<TraceEvent> events, @ForAll TraceCodec codec) {
        byte[] file = write(events, codec);

        try (TraceReader reader = TraceReader.open(new ByteArrayInputStream(file), TraceReader.Mode.COMPLETE)) {
            assertEquals(TraceSamples.metadata(), reader.metadata());
            List<TraceEvent> read = new ArrayList<>();
            reader.forEachRemaining(read::add);
            assertEquals(events, read);
            assertTrue(reader.isComplete());
            assertEquals(events.size(), reader.eventsRead());
        }
    }

    @Property(tries = 200)
    void aTraceWithoutItsEndMarkerIsAValidPrefix(@ForAll("eventLists") List<TraceEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TraceWriter writer = TraceWriter.create(out, TraceSamples.metadata(), TraceCodec.DEFLATE);
        events.forEach(writer::append);
        writer.checkpoint();
        // The writer is never closed, as when the recording process dies.

        try (TraceReader reader = TraceReader.open(new ByteArrayInputStream(out.toByteArray()), TraceReader.Mode.VALID_PREFIX)) {
            List<TraceEvent> read = new ArrayList<>();
            reader.forEachRemaining(read::add);
            assertEquals(events, read);
            assertTrue(reader.isTruncated());
        }
        writer.abandon();
    }

    @Provide
    Arbitrary<List<TraceEvent>> eventLists() {
        return TraceSamples.events().list().ofMaxSize(60);
    }

    static byte[] write(List<TraceEvent> events, TraceCodec codec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TraceWriter writer = TraceWriter.create(out, TraceSamples.metadata(), codec)) {
            events.forEach(writer::append);
        }
        return out.toByteArray();
    }
}
