package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * A checkpoint covers every entry since the one before it, wherever the blocks are cut: the writer
 * closes each block with one, but a file may have entries after a block's checkpoint that a
 * checkpoint of a later block covers, and the reader checks those as well.
 */
class CheckpointPlacementTest {

    private static final Schema SCHEMA = TraceFormat.schema();
    /** The clock read after the first block's checkpoint: a value whose encoding appears nowhere else in the file. */
    private static final long THIRD = 0x1234_5678_9abcL;

    @Test
    void entriesAfterABlocksCheckpointAreCoveredByTheNextBlocksCheckpoint() {
        byte[] file = file(THIRD);

        List<TraceEvent> events = read(file);

        assertEquals(List.of(new TraceEvent.ClockRead(1), new TraceEvent.ClockRead(2), new TraceEvent.ClockRead(THIRD),
                new TraceEvent.ClockRead(4)), events);
    }

    @Test
    void aDamagedEntryAfterABlocksCheckpointIsFoundByTheNextOne() {
        byte[] file = file(THIRD);
        byte[] damaged = file.clone();
        byte[] value = varint(THIRD);
        byte[] other = varint(THIRD + 1);
        System.arraycopy(other, 0, damaged, indexOf(file, value), other.length);

        TraceFormatException error = assertThrows(TraceFormatException.class, () -> read(damaged));

        assertTrue(error.getMessage().contains("checkpoint mismatch"), error.getMessage());
    }

    /** Two blocks: clock reads 1 and 2, a checkpoint, then clock read {@code third}; clock read 4, a checkpoint, the end. */
    private static byte[] file(long third) {
        return HandWrittenTrace.write(SCHEMA, List.of(
                List.of(clock(1), clock(2), HandWrittenTrace.CHECKPOINT, clock(third)),
                List.of(clock(4), HandWrittenTrace.CHECKPOINT,
                        HandWrittenTrace.entry(SCHEMA, "End", "eventCount", 4L), HandWrittenTrace.CHECKPOINT)));
    }

    private static GenericRecord clock(long nanos) {
        return HandWrittenTrace.entry(SCHEMA, "ClockRead", "nanos", nanos);
    }

    private static List<TraceEvent> read(byte[] file) {
        try (TraceReader reader = TraceReader.open(new ByteArrayInputStream(file), TraceReader.Mode.COMPLETE)) {
            List<TraceEvent> events = new ArrayList<>();
            reader.forEachRemaining(events::add);
            assertTrue(reader.isComplete());
            return events;
        }
    }

    /** {@code value} as Avro encodes a long. */
    private static byte[] varint(long value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
            encoder.writeLong(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        for (int i = 0; i + pattern.length <= data.length; i++) {
            if (Arrays.equals(data, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new AssertionError("the value is not in the file");
    }
}
