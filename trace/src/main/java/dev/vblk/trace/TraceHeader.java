package dev.vblk.trace;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.file.DataFileConstants;

/**
 * The header of a trace file, read and checked: the magic bytes, the metadata map (its checksum,
 * format version, schema and codec) and the sync marker. A file that is not a trace, is of a newer
 * format or has a damaged header is a {@link TraceFormatException}.
 *
 * @param schema the file's schema, or null when the file has the current schema's text (then nothing
 *     is parsed: the entries are decoded as {@link EntryCodec} writes them)
 * @param codec the block codec
 * @param metadata the trace's metadata
 * @param sync the sync marker every block ends with
 */
record TraceHeader(Schema schema, TraceCodec codec, TraceMetadata metadata, byte[] sync) {

    private static final byte[] MAGIC = DataFileConstants.MAGIC;
    private static final int MAX_META_ENTRIES = 10_000;
    private static final int MAX_META_VALUE_BYTES = 16 << 20;

    /** Reads the header from the start of {@code in}; a file cut short in it throws {@link ContainerInput.EndOfData}. */
    static TraceHeader read(ContainerInput in) {
        byte[] magic = in.readBytes(MAGIC.length, true);
        if (magic.length < MAGIC.length || !Arrays.equals(magic, MAGIC)) {
            if (Arrays.equals(magic, Arrays.copyOf(MAGIC, magic.length))) {
                throw TraceFormatException.truncated(0, in.position());
            }
            throw TraceFormatException.notATrace("not an Avro data file (it does not start with 'Obj' 1)");
        }
        Map<String, byte[]> meta = readMetaMap(in);
        byte[] headerSync = in.readBytes(DataFileConstants.SYNC_SIZE, false);
        if (meta.keySet().stream().noneMatch(key -> key.startsWith(MetadataCodec.KEY_PREFIX))) {
            throw TraceFormatException.notATrace("an Avro data file, but not a vblk trace (no vblk.* metadata)");
        }
        Map<String, String> strings = new TreeMap<>();
        for (Map.Entry<String, byte[]> entry : meta.entrySet()) {
            strings.put(entry.getKey(), utf8(entry.getValue(), in));
        }
        String checksum = strings.get(MetadataCodec.HEADER_CRC);
        if (checksum != null && !checksum.equals(MetadataCodec.headerChecksum(meta))) {
            throw corrupt("the header checksum does not match its entries", null, in);
        }
        String versionText = strings.get(MetadataCodec.FORMAT_VERSION);
        int version;
        try {
            version = Integer.parseInt(versionText);
        } catch (NumberFormatException e) {
            throw corrupt("format version '" + versionText + "' is not a number", e, in);
        }
        if (version > TraceFormat.FORMAT_VERSION) {
            // Checked before the checksum is required: a newer format may protect its header differently.
            throw TraceFormatException.incompatibleVersion(version);
        }
        if (checksum == null) {
            throw corrupt("the header checksum entry " + MetadataCodec.HEADER_CRC + " is missing", null, in);
        }
        Schema schema;
        try {
            schema = schemaOf(required(strings, DataFileConstants.SCHEMA));
        } catch (RuntimeException e) {
            throw corrupt("the schema cannot be parsed: " + e.getMessage(), e, in);
        }
        if (schema != null && SchemaCompatibility.checkReaderWriterCompatibility(TraceFormat.schema(),
                schema).getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw corrupt("the file's schema cannot be read as trace format " + TraceFormat.FORMAT_VERSION, null, in);
        }
        String codecName = strings.getOrDefault(DataFileConstants.CODEC, DataFileConstants.NULL_CODEC);
        TraceCodec blockCodec = TraceCodec.fromAvroName(codecName)
                .orElseThrow(() -> corrupt("block codec '" + codecName + "' is not one a trace uses", null, in));
        TraceMetadata traceMetadata;
        try {
            traceMetadata = MetadataCodec.decode(strings);
        } catch (RuntimeException e) {
            throw corrupt("bad metadata: " + e.getMessage(), e, in);
        }
        return new TraceHeader(schema, blockCodec, traceMetadata, headerSync);
    }

    private static Map<String, byte[]> readMetaMap(ContainerInput in) {
        Map<String, byte[]> meta = new HashMap<>();
        long count = in.readLong(-1);
        while (count != 0) {
            if (count < 0) {
                count = -count;
                in.readLong(-1); // byte size of the map block, not needed
            }
            if (count < 0 || meta.size() + count > MAX_META_ENTRIES) {
                throw corrupt("implausible number of metadata entries", null, in);
            }
            for (long i = 0; i < count; i++) {
                String key = utf8(in.readBytes(metaLength(in), false), in);
                byte[] value = in.readBytes(metaLength(in), false);
                if (meta.put(key, value) != null) {
                    throw corrupt("metadata entry " + key + " appears twice", null, in);
                }
            }
            count = in.readLong(-1);
        }
        return meta;
    }

    private static int metaLength(ContainerInput in) {
        long length = in.readLong(-1);
        if (length < 0 || length > MAX_META_VALUE_BYTES) {
            throw corrupt("implausible metadata length " + length, null, in);
        }
        return (int) length;
    }

    /** The file's schema, parsed; null when the file has the current schema's text, as this code writes it. */
    private static Schema schemaOf(String text) {
        return text.equals(TraceFormat.schemaText()) ? null : new Schema.Parser().parse(text);
    }

    private static String required(Map<String, String> meta, String key) {
        String value = meta.get(key);
        if (value == null) {
            throw new IllegalArgumentException("metadata entry " + key + " is missing");
        }
        return value;
    }

    private static String utf8(byte[] bytes, ContainerInput in) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw corrupt("a metadata entry is not UTF-8", e, in);
        }
    }

    private static TraceFormatException corrupt(String detail, Throwable cause, ContainerInput in) {
        return TraceFormatException.corrupt("header: " + detail, -1, in.position(), cause);
    }
}
