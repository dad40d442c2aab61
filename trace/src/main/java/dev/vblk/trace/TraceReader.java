package dev.vblk.trace;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads a trace file as a stream of events, with its metadata available before the first event.
 *
 * <p>Only events covered by a verified checkpoint are handed out, so every event returned is known
 * intact. In {@link Mode#COMPLETE} a trace without its end marker makes {@link #hasNext()} throw
 * {@link TraceFormatException.Reason#TRUNCATED} once the intact events are used up; in
 * {@link Mode#VALID_PREFIX} iteration simply ends there and {@link #isTruncated()} says so.
 * Damage always throws {@link TraceFormatException.Reason#CORRUPT}.
 *
 * <p>The container is parsed here rather than by Avro's {@code DataFileStream} so that no length
 * read from the file is trusted: byte ranges are read in chunks as the data actually arrives, and
 * entries are decoded from an in-memory block, whose size bounds every Avro length inside it.
 * Nothing but {@link TraceFormatException} escapes for a bad file; {@link UncheckedIOException}
 * reports a failure of the underlying stream itself.
 */
public final class TraceReader implements Iterator<TraceEvent>, Closeable {

    /** What the reader does with a trace that has no end marker. */
    public enum Mode {
        /** Hand out the intact events, then throw {@link TraceFormatException.Reason#TRUNCATED}. */
        COMPLETE,
        /** Hand out the intact events, then end; {@link #isTruncated()} tells. */
        VALID_PREFIX
    }

    private static final byte[] MAGIC = DataFileConstants.MAGIC;
    /** The first format version whose entries refer to earlier ones (shared payloads, compact registers). */
    private static final int REFERENCES_VERSION = 4;
    private static final int SYNC_SIZE = DataFileConstants.SYNC_SIZE;
    private static final int MAX_META_ENTRIES = 10_000;
    private static final int MAX_META_VALUE_BYTES = 16 << 20;

    private final CountingInputStream in;
    private final Mode mode;
    private final TraceMetadata metadata;
    private final byte[] sync;
    private final TraceCodec.Decompressor decompressor;
    private final EntryTranslator translator;
    /** The shared payloads that entries of a format 4 trace may refer to; null for older traces. */
    private final PayloadWindow payloads;
    /** What the compact register entries of a format 4 trace are written against; null for older traces. */
    private final RegisterHistory registers;
    private final ArrayDeque<TraceEvent> pending = new ArrayDeque<>();
    private final ArrayDeque<TraceEvent> verified = new ArrayDeque<>();
    private final CRC32C crc = new CRC32C();
    private BinaryDecoder decoder;
    private long verifiedEntries;
    private long verifiedEvents;
    private long eventsHandedOut;
    private boolean endPending;
    private boolean ended;
    private boolean finished;
    private boolean truncated;

    private TraceReader(CountingInputStream in, Mode mode) {
        this.in = in;
        this.mode = mode;
        Header header;
        try {
            header = readHeader();
        } catch (EndOfData e) {
            throw TraceFormatException.truncated(0, in.position);
        }
        this.metadata = header.metadata;
        this.sync = header.sync;
        this.decompressor = header.codec.decompressor();
        this.translator = EntryTranslator.forSchema(header.schema).orElse(null);
        boolean references = metadata.formatVersion() >= REFERENCES_VERSION;
        this.payloads = references ? new PayloadWindow() : null;
        this.registers = references ? new RegisterHistory() : null;
    }

    /** Opens a trace file that must be complete. */
    public static TraceReader open(Path path) {
        return open(path, Mode.COMPLETE);
    }

    /** Opens a trace file. */
    public static TraceReader open(Path path, Mode mode) {
        InputStream stream;
        try {
            stream = Files.newInputStream(path);
        } catch (NoSuchFileException e) {
            throw new UncheckedIOException("no trace file " + path, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open trace file " + path, e);
        }
        return open(stream, mode);
    }

    /** Reads a trace from a stream, which {@link #close()} closes. */
    public static TraceReader open(InputStream stream, Mode mode) {
        CountingInputStream counting = new CountingInputStream(new BufferedInputStream(stream, 1 << 16));
        try {
            return new TraceReader(counting, mode);
        } catch (RuntimeException e) {
            try {
                counting.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Reads a whole trace that must be complete. */
    public static Trace readComplete(Path path) {
        return readAll(path, Mode.COMPLETE);
    }

    /** Reads the intact events of a trace, complete or not. */
    public static Trace readValidPrefix(Path path) {
        return readAll(path, Mode.VALID_PREFIX);
    }

    private static Trace readAll(Path path, Mode mode) {
        try (TraceReader reader = open(path, mode)) {
            List<TraceEvent> events = new ArrayList<>();
            reader.forEachRemaining(events::add);
            return new Trace(reader.metadata(), events, reader.isComplete());
        }
    }

    /** The trace's metadata, read from the file header. */
    public TraceMetadata metadata() {
        return metadata;
    }

    @Override
    public boolean hasNext() {
        while (verified.isEmpty() && !finished) {
            readBlock();
        }
        return !verified.isEmpty();
    }

    @Override
    public TraceEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more events in the trace");
        }
        eventsHandedOut++;
        return verified.poll();
    }

    /** Number of events handed out so far. */
    public long eventsRead() {
        return eventsHandedOut;
    }

    /** Whether the whole file was read and ended with a verified end marker. */
    public boolean isComplete() {
        return finished && ended;
    }

    /** Whether the whole file was read and it has no end marker (only in {@link Mode#VALID_PREFIX}). */
    public boolean isTruncated() {
        return truncated;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the trace file", e);
        }
    }

    // ---------------------------------------------------------------- header

    private record Header(Schema schema, TraceCodec codec, TraceMetadata metadata, byte[] sync) {}

    private Header readHeader() {
        byte[] magic = readBytes(MAGIC.length, true);
        if (magic.length < MAGIC.length || !Arrays.equals(magic, MAGIC)) {
            if (Arrays.equals(magic, Arrays.copyOf(MAGIC, magic.length))) {
                throw TraceFormatException.truncated(0, in.position);
            }
            throw TraceFormatException.notATrace("not an Avro data file (it does not start with 'Obj' 1)");
        }
        Map<String, byte[]> meta = readMetaMap();
        byte[] headerSync = readBytes(SYNC_SIZE, false);
        if (meta.keySet().stream().noneMatch(key -> key.startsWith(MetadataCodec.KEY_PREFIX))) {
            throw TraceFormatException.notATrace("an Avro data file, but not a vblk trace (no vblk.* metadata)");
        }
        Map<String, String> strings = new TreeMap<>();
        for (Map.Entry<String, byte[]> entry : meta.entrySet()) {
            strings.put(entry.getKey(), utf8(entry.getValue()));
        }
        String checksum = strings.get(MetadataCodec.HEADER_CRC);
        if (checksum != null && !checksum.equals(MetadataCodec.headerChecksum(meta))) {
            throw headerCorrupt("the header checksum does not match its entries", null);
        }
        String versionText = strings.get(MetadataCodec.FORMAT_VERSION);
        int version;
        try {
            version = Integer.parseInt(versionText);
        } catch (NumberFormatException e) {
            throw headerCorrupt("format version '" + versionText + "' is not a number", e);
        }
        if (version > TraceFormat.FORMAT_VERSION) {
            // Checked before the checksum is required: a newer format may protect its header differently.
            throw TraceFormatException.incompatibleVersion(version);
        }
        if (checksum == null) {
            throw headerCorrupt("the header checksum entry " + MetadataCodec.HEADER_CRC + " is missing", null);
        }
        Schema schema;
        try {
            schema = schemaOf(required(strings, DataFileConstants.SCHEMA));
        } catch (RuntimeException e) {
            throw headerCorrupt("the schema cannot be parsed: " + e.getMessage(), e);
        }
        if (schema != TraceFormat.schema() && SchemaCompatibility.checkReaderWriterCompatibility(TraceFormat.schema(),
                schema).getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw headerCorrupt("the file's schema cannot be read as trace format " + TraceFormat.FORMAT_VERSION, null);
        }
        String codecName = strings.getOrDefault(DataFileConstants.CODEC, DataFileConstants.NULL_CODEC);
        TraceCodec blockCodec = TraceCodec.fromAvroName(codecName)
                .orElseThrow(() -> headerCorrupt("block codec '" + codecName + "' is not one a trace uses", null));
        TraceMetadata traceMetadata;
        try {
            traceMetadata = MetadataCodec.decode(strings);
        } catch (RuntimeException e) {
            throw headerCorrupt("bad metadata: " + e.getMessage(), e);
        }
        return new Header(schema, blockCodec, traceMetadata, headerSync);
    }

    private Map<String, byte[]> readMetaMap() {
        Map<String, byte[]> meta = new HashMap<>();
        long count = readLong();
        while (count != 0) {
            if (count < 0) {
                count = -count;
                readLong(); // byte size of the map block, not needed
            }
            if (count < 0 || meta.size() + count > MAX_META_ENTRIES) {
                throw headerCorrupt("implausible number of metadata entries", null);
            }
            for (long i = 0; i < count; i++) {
                String key = utf8(readBytes(metaLength(), false));
                byte[] value = readBytes(metaLength(), false);
                if (meta.put(key, value) != null) {
                    throw headerCorrupt("metadata entry " + key + " appears twice", null);
                }
            }
            count = readLong();
        }
        return meta;
    }

    private int metaLength() {
        long length = readLong();
        if (length < 0 || length > MAX_META_VALUE_BYTES) {
            throw headerCorrupt("implausible metadata length " + length, null);
        }
        return (int) length;
    }

    /** The file's schema: the current one itself when the file has its text, as this code writes it. */
    private static Schema schemaOf(String text) {
        return text.equals(TraceFormat.schemaText()) ? TraceFormat.schema() : new Schema.Parser().parse(text);
    }

    private static String required(Map<String, String> meta, String key) {
        String value = meta.get(key);
        if (value == null) {
            throw new IllegalArgumentException("metadata entry " + key + " is missing");
        }
        return value;
    }

    private String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw headerCorrupt("a metadata entry is not UTF-8", e);
        }
    }

    private TraceFormatException headerCorrupt(String detail, Throwable cause) {
        return TraceFormatException.corrupt("header: " + detail, -1, in.position, cause);
    }

    // ---------------------------------------------------------------- blocks

    private void readBlock() {
        long blockStart = in.position;
        int first = readByte();
        if (first < 0) {
            finish(blockStart);
            return;
        }
        if (ended) {
            throw TraceFormatException.corrupt("data after the end marker", verifiedEvents, blockStart, null);
        }
        long count;
        long size;
        try {
            count = readLong(first);
            size = readLong();
        } catch (EndOfData e) {
            finish(blockStart);
            return;
        }
        // The entry count is checked against the decompressed block (decodeBlock): a compressed block
        // may hold more entries than it has bytes.
        if (count <= 0 || size <= 0 || size > Integer.MAX_VALUE - 8) {
            throw TraceFormatException.corrupt(
                    "impossible block header (" + count + " entries in " + size + " bytes)", verifiedEvents, blockStart, null);
        }
        byte[] data;
        byte[] blockSync;
        try {
            data = readBytes((int) size, false);
            blockSync = readBytes(SYNC_SIZE, false);
        } catch (EndOfData e) {
            finish(blockStart);
            return;
        }
        if (!Arrays.equals(blockSync, sync)) {
            throw TraceFormatException.corrupt("the block's sync marker is wrong", verifiedEvents, blockStart, null);
        }
        ByteBuffer plain;
        try {
            plain = decompressor.decompress(data);
        } catch (IOException | RuntimeException e) {
            throw TraceFormatException.corrupt("the block cannot be decompressed: " + e, verifiedEvents, blockStart, e);
        }
        decodeBlock(plain.array(), plain.arrayOffset() + plain.position(), plain.remaining(), count, blockStart);
    }

    /** Decodes the {@code count} entries of the block in {@code length} bytes of {@code block} from {@code offset}. */
    private void decodeBlock(byte[] block, int offset, int length, long count, long blockStart) {
        if (count > length) {
            throw TraceFormatException.corrupt("more entries than bytes in the block", verifiedEvents, blockStart, null);
        }
        int limit = offset + length;
        decoder = DecoderFactory.get().binaryDecoder(block, offset, length, decoder);
        for (long i = 0; i < count; i++) {
            int start = limit - decoder.remainingBytes();
            Object entry;
            try {
                entry = EntryCodec.decode(translator == null ? decoder : translator.translate(decoder), payloads, registers);
            } catch (IOException | RuntimeException e) {
                throw TraceFormatException.corrupt("an entry cannot be decoded: " + e, verifiedEvents, blockStart, e);
            }
            int end = limit - decoder.remainingBytes();
            if (entry instanceof EntryCodec.Checkpoint checkpoint) {
                verifyCheckpoint(checkpoint, blockStart);
                continue;
            }
            if (endPending) {
                throw TraceFormatException.corrupt("an entry follows the end marker", verifiedEvents, blockStart, null);
            }
            crc.update(block, start, end - start);
            if (entry instanceof EntryCodec.End) {
                endPending = true;
            } else {
                pending.add((TraceEvent) entry);
            }
        }
        if (decoder.remainingBytes() != 0) {
            throw TraceFormatException.corrupt("the block holds more bytes than its entries", verifiedEvents, blockStart, null);
        }
    }

    private void verifyCheckpoint(EntryCodec.Checkpoint checkpoint, long blockStart) {
        long entries = verifiedEntries + pending.size() + (endPending ? 1 : 0);
        if (checkpoint.entryCount() != entries || checkpoint.crc32c() != (int) crc.getValue()) {
            throw TraceFormatException.corrupt("checkpoint mismatch (entries or CRC32C)", verifiedEvents, blockStart, null);
        }
        verifiedEntries = entries;
        verifiedEvents += pending.size();
        verified.addAll(pending);
        pending.clear();
        crc.reset();
        if (endPending) {
            ended = true;
        }
    }

    private void finish(long offset) {
        finished = true;
        pending.clear();
        if (ended) {
            return;
        }
        if (mode == Mode.COMPLETE) {
            throw TraceFormatException.truncated(verifiedEvents, offset);
        }
        truncated = true;
    }

    // ---------------------------------------------------------------- primitives

    /** The stream ended inside a structure. */
    private static final class EndOfData extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EndOfData() {
            super(null, null, false, false);
        }
    }

    private int readByte() {
        try {
            return in.read();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trace file", e);
        }
    }

    /** Reads {@code length} bytes, allocating only as data arrives; a short read ends the data. */
    private byte[] readBytes(int length, boolean shortAllowed) {
        byte[] bytes;
        try {
            bytes = in.readNBytes(length);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trace file", e);
        }
        if (bytes.length < length && !shortAllowed) {
            throw new EndOfData();
        }
        return bytes;
    }

    private long readLong() {
        int first = readByte();
        if (first < 0) {
            throw new EndOfData();
        }
        return readLong(first);
    }

    /** Decodes an Avro zig-zag variable-length long whose first byte is already read. */
    private long readLong(int first) {
        long raw = first & 0x7f;
        int shift = 7;
        int b = first;
        while ((b & 0x80) != 0) {
            if (shift > 63) {
                throw TraceFormatException.corrupt("a variable-length integer is too long", verifiedEvents, in.position, null);
            }
            b = readByte();
            if (b < 0) {
                throw new EndOfData();
            }
            raw |= (long) (b & 0x7f) << shift;
            shift += 7;
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** Counts the bytes read, for error positions. */
    private static final class CountingInputStream extends FilterInputStream {
        long position;

        CountingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                position++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }
}
