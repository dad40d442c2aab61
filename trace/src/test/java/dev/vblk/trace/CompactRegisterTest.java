package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.AccessWidth;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Format 4 writes register accesses against the access before and the register's last value. */
class CompactRegisterTest {

    @Test
    void aPolledStatusRegisterAndItsNeighboursTakeAFewBytesAnAccess() {
        List<TraceEvent> events = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            events.add(new TraceEvent.RegisterRead(0x0a00_3e60L, AccessWidth.WORD, i % 100 == 0 ? 1 : 0));
            events.add(new TraceEvent.RegisterWrite(0x0a00_3e64L, AccessWidth.WORD, 1));
        }
        byte[] compact = write(events, TraceCodec.NONE);
        byte[] empty = write(List.of(), TraceCodec.NONE);

        double perAccess = (compact.length - empty.length) / (double) events.size();
        assertTrue(perAccess <= 4, perAccess + " bytes an access, uncompressed");
        assertEquals(events, read(compact));
    }

    @Test
    void accessesFarApartAreWrittenInFullAndReadBackTheSame() {
        List<TraceEvent> events = List.of(
                new TraceEvent.RegisterRead(Long.MAX_VALUE, AccessWidth.DOUBLE, -1),
                new TraceEvent.RegisterRead(Long.MIN_VALUE, AccessWidth.BYTE, 0xff),
                new TraceEvent.RegisterWrite(0, AccessWidth.HALF, 0x1234),
                new TraceEvent.RegisterWrite(Long.MAX_VALUE, AccessWidth.DOUBLE, Long.MIN_VALUE),
                new TraceEvent.RegisterRead(Long.MAX_VALUE, AccessWidth.DOUBLE, 7),
                new TraceEvent.RegisterRead(Long.MAX_VALUE - 4, AccessWidth.WORD, 7));

        assertEquals(events, read(write(events, TraceCodec.DEFLATE)));
    }

    private static byte[] write(List<TraceEvent> events, TraceCodec codec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TraceWriter writer = TraceWriter.create(out, TraceSamples.metadata(), codec)) {
            events.forEach(writer::append);
        }
        return out.toByteArray();
    }

    private static List<TraceEvent> read(byte[] file) {
        List<TraceEvent> events = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(new ByteArrayInputStream(file), TraceReader.Mode.COMPLETE)) {
            reader.forEachRemaining(events::add);
        }
        return events;
    }
}
