package dev.vblk.trace;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;
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

    /** The first format version whose entries refer to earlier ones (shared payloads, compact registers). */
    private static final int REFERENCES_VERSION = 4;
    private static final int SYNC_SIZE = DataFileConstants.SYNC_SIZE;

    private final ContainerInput in;
    private final Mode mode;
    private final TraceMetadata metadata;
    private final byte[] sync;
    private final TraceCodec.Decompressor decompressor;
    private final EntryTranslator translator;
    /** The shared payloads that entries of a format 4 trace may refer to; null for older traces. */
    private final PayloadWindow payloads;
    /** What the compact register entries of a format 4 trace are written against; null for older traces. */
    private final RegisterHistory registers;
    /**
     * Events decoded and not yet handed out: first the {@link #verifiedCount} covered by a verified
     * checkpoint, then those decoded since the last one, which its verification makes verified in place.
     */
    private final ArrayDeque<TraceEvent> decoded = new ArrayDeque<>();
    private int verifiedCount;
    private final CRC32C crc = new CRC32C();
    private BinaryDecoder decoder;
    /** Decodes the entries; it keeps the array it reads large data into from block to block. */
    private final EntryDecoder entries = new EntryDecoder();
    private long verifiedEntries;
    private long verifiedEvents;
    private long eventsHandedOut;
    private boolean endPending;
    private boolean ended;
    private boolean finished;
    private boolean truncated;

    private TraceReader(ContainerInput in, Mode mode) {
        this.in = in;
        this.mode = mode;
        TraceHeader header;
        try {
            header = TraceHeader.read(in);
        } catch (ContainerInput.EndOfData e) {
            throw TraceFormatException.truncated(0, in.position());
        }
        this.metadata = header.metadata();
        this.sync = header.sync();
        this.decompressor = header.codec().decompressor();
        this.translator = header.schema() == null ? null : EntryTranslator.forSchema(header.schema()).orElse(null);
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
        ContainerInput counting = new ContainerInput(stream);
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
        while (verifiedCount == 0 && !finished) {
            readBlock();
        }
        return verifiedCount > 0;
    }

    @Override
    public TraceEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more events in the trace");
        }
        eventsHandedOut++;
        verifiedCount--;
        return decoded.poll();
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

    // ---------------------------------------------------------------- blocks

    private void readBlock() {
        long blockStart = in.position();
        int first = in.readByte();
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
            count = in.readLong(first, verifiedEvents);
            size = in.readLong(verifiedEvents);
        } catch (ContainerInput.EndOfData e) {
            finish(blockStart);
            return;
        }
        // The entry count is checked against the decompressed block (decodeBlock): a compressed block
        // may hold more entries than it has bytes.
        if (count <= 0 || size <= 0 || size > Integer.MAX_VALUE - 8 - SYNC_SIZE) {
            throw TraceFormatException.corrupt(
                    "impossible block header (" + count + " entries in " + size + " bytes)", verifiedEvents, blockStart, null);
        }
        int storedAt;
        try {
            storedAt = in.take((int) size + SYNC_SIZE);
        } catch (ContainerInput.EndOfData e) {
            finish(blockStart);
            return;
        }
        byte[] bytes = in.array();
        int syncAt = storedAt + (int) size;
        if (!Arrays.equals(bytes, syncAt, syncAt + SYNC_SIZE, sync, 0, SYNC_SIZE)) {
            throw TraceFormatException.corrupt("the block's sync marker is wrong", verifiedEvents, blockStart, null);
        }
        ByteBuffer plain;
        try {
            plain = decompressor.decompress(bytes, storedAt, (int) size);
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
        // The checksum covers every entry but the checkpoints: it is taken over each run of entries
        // between them, one call per run.
        int runStart = offset;
        int start = offset;
        for (long i = 0; i < count; i++) {
            Object entry;
            try {
                entry = entries.decode(translator == null ? decoder : translator.translate(decoder), payloads, registers);
            } catch (IOException | RuntimeException e) {
                throw TraceFormatException.corrupt(undecodable(e) + " (at byte " + (start - offset)
                        + " of the block's entries)", verifiedEvents, blockStart, e);
            }
            int end = limit - decoder.remainingBytes();
            if (entry instanceof EntryCodec.Checkpoint checkpoint) {
                crc.update(block, runStart, start - runStart);
                runStart = end;
                verifyCheckpoint(checkpoint, blockStart);
            } else if (endPending) {
                throw TraceFormatException.corrupt("an entry follows the end marker", verifiedEvents, blockStart, null);
            } else if (entry instanceof EntryCodec.End) {
                endPending = true;
            } else {
                decoded.add((TraceEvent) entry);
            }
            start = end;
        }
        if (start != limit) {
            throw TraceFormatException.corrupt("the block holds more bytes than its entries", verifiedEvents, blockStart, null);
        }
        crc.update(block, runStart, limit - runStart);
    }

    /** What is wrong with an entry that cannot be decoded, in the file's terms. */
    private static String undecodable(Exception e) {
        if (e instanceof IOException) {
            return "an entry is cut short by the end of its block";
        }
        if (e instanceof IllegalArgumentException && e.getMessage() != null) {
            return e.getMessage();
        }
        return "an entry's bytes do not decode as any entry";
    }

    private void verifyCheckpoint(EntryCodec.Checkpoint checkpoint, long blockStart) {
        int pending = decoded.size() - verifiedCount;
        long entries = verifiedEntries + pending + (endPending ? 1 : 0);
        if (checkpoint.entryCount() != entries || checkpoint.crc32c() != (int) crc.getValue()) {
            throw TraceFormatException.corrupt("checkpoint mismatch (entries or CRC32C)", verifiedEvents, blockStart, null);
        }
        verifiedEntries = entries;
        verifiedEvents += pending;
        verifiedCount = decoded.size();
        crc.reset();
        if (endPending) {
            ended = true;
        }
    }

    private void finish(long offset) {
        finished = true;
        while (decoded.size() > verifiedCount) {
            decoded.pollLast();
        }
        if (ended) {
            return;
        }
        if (mode == Mode.COMPLETE) {
            throw TraceFormatException.truncated(verifiedEvents, offset);
        }
        truncated = true;
    }
}
