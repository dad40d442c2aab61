package dev.vblk.trace;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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

/**
 * Trace files framed by hand with Avro's own file writer, for the files {@link TraceWriter} never
 * writes: another schema, checkpoints where a test puts them, blocks cut where it says.
 */
final class HandWrittenTrace {

    private static final String NAMESPACE = "dev.vblk.trace.avro.";

    /** In a block's list of entries: a checkpoint over the entries since the one before it. */
    static final GenericRecord CHECKPOINT =
            new GenericData.Record(Schema.createRecord("CheckpointHere", null, "dev.vblk.trace.test", false, List.of()));

    private HandWrittenTrace() {}

    /** An entry of {@code schema} holding its union branch {@code name} with these fields and values. */
    static GenericRecord entry(Schema schema, String name, Object... fieldsAndValues) {
        Schema union = schema.getField("entry").schema();
        GenericRecord branch = new GenericData.Record(union.getTypes().get(union.getIndexNamed(NAMESPACE + name)));
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            branch.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        GenericRecord entry = new GenericData.Record(schema);
        entry.put("entry", branch);
        return entry;
    }

    /**
     * A file of {@code schema} with the header {@link TraceSamples#metadata()} gives and the blocks
     * listed, uncompressed; {@link #CHECKPOINT} in a block stands for a checkpoint over the entries
     * since the last one (the checksum runs on across blocks, as the writer's does).
     */
    static byte[] write(Schema schema, List<List<GenericRecord>> blocks) {
        Map<String, byte[]> header = new TreeMap<>();
        header.put(DataFileConstants.SCHEMA, schema.toString().getBytes(StandardCharsets.UTF_8));
        header.put(DataFileConstants.CODEC, "null".getBytes(StandardCharsets.UTF_8));
        MetadataCodec.encode(TraceSamples.metadata()).forEach((k, v) -> header.put(k, v.getBytes(StandardCharsets.UTF_8)));
        String checksum = MetadataCodec.headerChecksum(header);
        GenericDatumWriter<Object> datumWriter = new GenericDatumWriter<>(schema);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CRC32C crc = new CRC32C();
        long entries = 0;
        try (DataFileWriter<Object> writer = new DataFileWriter<>(datumWriter)) {
            header.forEach((k, v) -> {
                if (!DataFileWriter.isReservedMeta(k)) {
                    writer.setMeta(k, v);
                }
            });
            writer.setMeta(MetadataCodec.HEADER_CRC, checksum);
            writer.setCodec(CodecFactory.nullCodec());
            writer.create(schema, out);
            for (List<GenericRecord> block : blocks) {
                for (GenericRecord entry : block) {
                    if (entry == CHECKPOINT) {
                        writer.appendEncoded(ByteBuffer.wrap(encode(datumWriter, entry(schema, "Checkpoint",
                                "entryCount", entries, "crc32c", (int) crc.getValue()))));
                        crc.reset();
                        continue;
                    }
                    byte[] bytes = encode(datumWriter, entry);
                    crc.update(bytes);
                    entries++;
                    writer.appendEncoded(ByteBuffer.wrap(bytes));
                }
                writer.sync();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
