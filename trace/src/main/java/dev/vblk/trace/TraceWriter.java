package dev.vblk.trace;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SyncableFileOutputStream;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.Encoder;
import org.apache.avro.io.EncoderFactory;

/**
 * Stores a sequence of trace events in an Avro data file, crash-safely: the file on disk is always
 * a readable trace prefix.
 *
 * <p>Events are buffered into an Avro block; the block is closed with a checkpoint (the CRC32C of
 * the events since the previous checkpoint) and handed to the operating system after every
 * {@link TraceEvent.OperationEnd}, whenever the block reaches {@link #BLOCK_BYTES}, and on
 * {@link #checkpoint()}. {@link #close()} appends the end marker that makes the trace complete.
 *
 * {@link #abandon()} closes it without one, for a run that stopped early.
 *
 * <p>Thread-safe. I/O failures surface as {@link TraceWriteException}, naming the file.
 */
public final class TraceWriter implements Closeable {

    /** Uncompressed size at which a block is closed even inside an operation. */
    public static final int BLOCK_BYTES = 64 * 1024;

    private final DataFileWriter<Object> file;
    private final String name;
    private final Buffer encoded = new Buffer();
    private final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(encoded, null);
    private final CRC32C crc = new CRC32C();
    private long entryCount;
    private long eventCount;
    private int segmentEntries;
    private int segmentBytes;
    private boolean closed;

    private TraceWriter(DataFileWriter<Object> file, String name) {
        this.file = file;
        this.name = name;
    }

    /** Creates (or replaces) a trace file with the default codec. */
    public static TraceWriter create(Path path, TraceMetadata metadata) {
        return create(path, metadata, TraceCodec.DEFAULT);
    }

    /** Creates (or replaces) a trace file. */
    public static TraceWriter create(Path path, TraceMetadata metadata, TraceCodec codec) {
        try {
            return create(new SyncableFileOutputStream(path.toFile()), metadata, codec, path.toString());
        } catch (IOException e) {
            throw new TraceWriteException(path.toString(), e);
        }
    }

    /** Writes a trace to a stream, which {@link #close()} closes. */
    public static TraceWriter create(OutputStream out, TraceMetadata metadata, TraceCodec codec) {
        return create(out, metadata, codec, "stream");
    }

    private static TraceWriter create(OutputStream out, TraceMetadata given, TraceCodec codec, String name) {
        if (given.formatVersion() > TraceFormat.FORMAT_VERSION) {
            throw new IllegalArgumentException("this writer writes format version " + TraceFormat.FORMAT_VERSION
                    + ", not " + given.formatVersion());
        }
        // Every event of an older version is an event of this one: the events of an older trace are
        // written again in the current version (its board metadata still says how it was recorded).
        TraceMetadata metadata = new TraceMetadata(TraceFormat.FORMAT_VERSION, given.projectVersion(), given.created(),
                given.platform(), given.diskImages(), given.workload(), given.seed(), given.board());
        // Entries are encoded by EntryCodec and handed over as bytes; the datum writer is never used.
        DataFileWriter<Object> file = new DataFileWriter<>(new GenericDatumWriter<>(TraceFormat.schema()));
        file.setCodec(codec.factory());
        // Checkpoints close blocks at BLOCK_BYTES; Avro's own trigger only splits a segment that
        // one very large event pushes past four times that, which readers accept.
        file.setSyncInterval(4 * BLOCK_BYTES);
        Map<String, byte[]> header = new TreeMap<>();
        header.put(DataFileConstants.SCHEMA, TraceFormat.schemaText().getBytes(StandardCharsets.UTF_8));
        header.put(DataFileConstants.CODEC, codec.avroName().getBytes(StandardCharsets.UTF_8));
        MetadataCodec.encode(metadata).forEach((key, value) -> header.put(key, value.getBytes(StandardCharsets.UTF_8)));
        String checksum = MetadataCodec.headerChecksum(header);
        header.forEach((key, value) -> {
            if (!DataFileWriter.isReservedMeta(key)) {
                file.setMeta(key, value);
            }
        });
        file.setMeta(MetadataCodec.HEADER_CRC, checksum);
        try {
            file.create(TraceFormat.schema(), out);
            file.flush();
        } catch (IOException e) {
            throw new TraceWriteException(name, e);
        }
        return new TraceWriter(file, name);
    }

    /** Appends an event; after an {@link TraceEvent.OperationEnd} the file is checkpointed. */
    public synchronized void append(TraceEvent event) {
        ensureOpen();
        encode(out -> EntryCodec.encode(event, out));
        appendEntry();
        eventCount++;
        if (event instanceof TraceEvent.OperationEnd || segmentBytes >= BLOCK_BYTES) {
            checkpoint();
        }
    }

    /** Closes the current block with a checkpoint and hands it to the operating system. */
    public synchronized void checkpoint() {
        ensureOpen();
        if (segmentEntries == 0) {
            return;
        }
        try {
            appendCheckpoint();
        } catch (IOException e) {
            throw new TraceWriteException(name, e);
        }
    }

    private void appendCheckpoint() throws IOException {
        int value = (int) crc.getValue();
        encode(out -> EntryCodec.encode(new EntryCodec.Checkpoint(entryCount, value), out));
        file.appendEncoded(encoded.asByteBuffer());
        file.flush();
        crc.reset();
        segmentEntries = 0;
        segmentBytes = 0;
    }

    /** Number of events appended so far. */
    public synchronized long eventCount() {
        return eventCount;
    }

    /** Appends the end marker, checkpoints, forces the file to the device and closes it. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        encode(out -> EntryCodec.encode(new EntryCodec.End(eventCount), out));
        appendEntry();
        checkpoint();
        closed = true;
        try (file) {
            file.fSync();
        } catch (IOException e) {
            throw new TraceWriteException(name, e);
        }
    }

    /**
     * Checkpoints what was appended and closes the file without the end marker: it reads as a trace
     * cut short whose events are all intact. For a run that stopped before its end. Idempotent; does
     * nothing after {@link #close()}.
     */
    public synchronized void abandon() {
        if (closed) {
            return;
        }
        closed = true;
        try (file) {
            if (segmentEntries > 0) {
                appendCheckpoint();
            }
            file.fSync();
        } catch (IOException e) {
            throw new TraceWriteException(name, e);
        }
    }

    /** Encodes one entry into {@link #encoded}. */
    private void encode(EntryWrite entry) {
        encoded.reset();
        try {
            entry.to(encoder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a trace entry", e);
        }
    }

    /** Appends the entry in {@link #encoded} to the block and to the checksum. */
    private void appendEntry() {
        crc.update(encoded.array(), 0, encoded.size());
        try {
            file.appendEncoded(encoded.asByteBuffer());
        } catch (IOException e) {
            throw new TraceWriteException(name, e);
        }
        entryCount++;
        segmentEntries++;
        segmentBytes += encoded.size();
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the trace writer is closed");
        }
    }

    /** One entry's encoding. */
    private interface EntryWrite {
        void to(Encoder out) throws IOException;
    }

    /** The bytes of the entry being encoded, reused for every entry. */
    private static final class Buffer extends ByteArrayOutputStream {
        byte[] array() {
            return buf;
        }

        ByteBuffer asByteBuffer() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }
}
