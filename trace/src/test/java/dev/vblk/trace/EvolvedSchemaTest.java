package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.AccessWidth;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * A file written with another schema of the same format version, one that resolution reads as the
 * current schema, reads as the same events: here {@code RegisterRead} has a field more, before
 * {@code widthBytes}, which the reader skips.
 */
class EvolvedSchemaTest {

    private static final String NAMESPACE = "dev.vblk.trace.avro.";

    @Test
    void aFileWithAFieldMoreReadsAsTheSameEvents() throws IOException {
        Schema evolved = withNoteInRegisterRead();
        byte[] file = HandWrittenTrace.write(evolved, List.of(List.of(
                HandWrittenTrace.entry(evolved, "RegisterRead", "address", 0x0a003e00L, "note", "the magic value",
                        "widthBytes", 4, "value", 0x74726976L),
                HandWrittenTrace.entry(evolved, "ClockRead", "nanos", 77L),
                HandWrittenTrace.entry(evolved, "MemoryRead", "address", 4096L, "data", ByteBuffer.wrap(new byte[] {9, 8})),
                HandWrittenTrace.entry(evolved, "End", "eventCount", 3L),
                HandWrittenTrace.CHECKPOINT)));

        try (TraceReader reader = TraceReader.open(new ByteArrayInputStream(file), TraceReader.Mode.COMPLETE)) {
            List<TraceEvent> events = new ArrayList<>();
            reader.forEachRemaining(events::add);
            assertEquals(List.of(new TraceEvent.RegisterRead(0x0a003e00L, AccessWidth.WORD, 0x74726976L),
                    new TraceEvent.ClockRead(77), new TraceEvent.MemoryRead(4096, new byte[] {9, 8})), events);
            assertTrue(reader.isComplete());
        }
    }

    /** The current schema with a string field {@code note} (default empty) after RegisterRead's address. */
    private static Schema withNoteInRegisterRead() {
        Schema current = TraceFormat.schema();
        List<Schema> branches = new ArrayList<>();
        for (Schema branch : current.getField("entry").schema().getTypes()) {
            if (!branch.getName().equals("RegisterRead")) {
                branches.add(branch);
                continue;
            }
            List<Schema.Field> fields = new ArrayList<>();
            for (Schema.Field field : branch.getFields()) {
                fields.add(new Schema.Field(field, field.schema()));
                if (field.name().equals("address")) {
                    fields.add(new Schema.Field("note", Schema.create(Schema.Type.STRING), null, ""));
                }
            }
            branches.add(Schema.createRecord(branch.getName(), branch.getDoc(), branch.getNamespace(), false, fields));
        }
        Schema.Field entry = new Schema.Field("entry", Schema.createUnion(branches));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, List.of(entry));
    }
}
