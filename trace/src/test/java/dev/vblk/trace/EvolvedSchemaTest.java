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
        Schema union = evolved.getField("entry").schema();
        List<GenericRecord> entries = new ArrayList<>();
        entries.add(entry(evolved, record(union, "RegisterRead", "address", 0x0a003e00L, "note", "the magic value",
                "widthBytes", 4, "value", 0x74726976L)));
        entries.add(entry(evolved, record(union, "ClockRead", "nanos", 77L)));
        entries.add(entry(evolved, record(union, "MemoryRead", "address", 4096L, "data", ByteBuffer.wrap(new byte[] {9, 8}))));
        entries.add(entry(evolved, record(union, "End", "eventCount", 3L)));

        byte[] file = write(evolved, entries);

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

    private static GenericRecord record(Schema union, String name, Object... fieldsAndValues) {
        GenericRecord record = new GenericData.Record(union.getTypes().get(union.getIndexNamed(NAMESPACE + name)));
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            record.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return record;
    }

    private static GenericRecord entry(Schema schema, GenericRecord branch) {
        GenericRecord entry = new GenericData.Record(schema);
        entry.put("entry", branch);
        return entry;
    }

    /** One block: the entries, then a checkpoint over them, as the trace writer frames them. */
    private static byte[] write(Schema schema, List<GenericRecord> entries) throws IOException {
        Map<String, byte[]> header = new TreeMap<>();
        header.put(DataFileConstants.SCHEMA, schema.toString().getBytes(StandardCharsets.UTF_8));
        header.put(DataFileConstants.CODEC, "null".getBytes(StandardCharsets.UTF_8));
        MetadataCodec.encode(TraceSamples.metadata()).forEach((k, v) -> header.put(k, v.getBytes(StandardCharsets.UTF_8)));
        String checksum = MetadataCodec.headerChecksum(header);
        GenericDatumWriter<Object> datumWriter = new GenericDatumWriter<>(schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CRC32C crc = new CRC32C();
        try (DataFileWriter<Object> writer = new DataFileWriter<>(datumWriter)) {
            header.forEach((k, v) -> {
                if (!DataFileWriter.isReservedMeta(k)) {
                    writer.setMeta(k, v);
                }
            });
            writer.setMeta(MetadataCodec.HEADER_CRC, checksum);
            writer.setCodec(CodecFactory.nullCodec());
            writer.create(schema, out);
            for (GenericRecord entry : entries) {
                byte[] bytes = encode(datumWriter, entry);
                crc.update(bytes);
                writer.appendEncoded(ByteBuffer.wrap(bytes));
            }
            GenericRecord checkpoint = record(schema.getField("entry").schema(), "Checkpoint",
                    "entryCount", (long) entries.size(), "crc32c", (int) crc.getValue());
            writer.appendEncoded(ByteBuffer.wrap(encode(datumWriter, entry(schema, checkpoint))));
        }
        return out.toByteArray();
    }

    private static byte[] encode(GenericDatumWriter<Object> writer, GenericRecord record) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        writer.write(record, encoder);
        return bytes.toByteArray();
    }
}
