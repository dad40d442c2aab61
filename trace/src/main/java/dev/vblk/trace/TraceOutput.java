package dev.vblk.trace;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.file.DataFileConstants;

/**
 * Starts the container a {@link TraceWriter} writes into: opens and locks the file (or takes the
 * stream), and writes the header, with the current schema, the codec, the trace's metadata written
 * as the current format version and their checksum, and a new sync marker.
 */
final class TraceOutput {

    /**
     * The writer thread's buffer in front of the file: small blocks go to the system together, while
     * a stored block's 64 KiB pieces, larger than it, go straight from the block.
     */
    private static final int WRITE_BUFFER_BYTES = 32 << 10;

    private TraceOutput() {}

    /**
     * Creates (or replaces) the trace file {@code path}, locked until the block writer closes it,
     * with its header written.
     *
     * @throws TraceWriteException if the file cannot be written, or another writer is writing it
     */
    static BlockWriter file(Path path, TraceMetadata metadata, TraceCodec codec, PayloadBuffers buffers) {
        FileOutputStream file = null;
        try {
            // Opened without truncating: a file that another writer holds is left as it is.
            file = new FileOutputStream(path.toFile(), true);
            // Held until the file is closed.
            lock(file.getChannel(), path);
            file.getChannel().truncate(0);
            BlockWriter blocks = new BlockWriter(new BufferedOutputStream(file, WRITE_BUFFER_BYTES), file, codec, newSync(),
                    buffers);
            blocks.header(header(metadata, codec));
            return blocks;
        } catch (IOException e) {
            closeQuietly(file);
            throw new TraceWriteException(path.toString(), e);
        } catch (RuntimeException e) {
            closeQuietly(file);
            throw e;
        }
    }

    /** A block writer into {@code out}, with the header written. */
    static BlockWriter stream(OutputStream out, TraceMetadata metadata, TraceCodec codec, PayloadBuffers buffers) {
        try {
            BlockWriter blocks = new BlockWriter(new BufferedOutputStream(out, WRITE_BUFFER_BYTES), null, codec, newSync(),
                    buffers);
            blocks.header(header(metadata, codec));
            return blocks;
        } catch (IOException e) {
            throw new TraceWriteException("stream", e);
        }
    }

    private static void lock(FileChannel channel, Path path) throws IOException {
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            throw new IOException("another run is writing " + path + " now");
        }
    }

    /** The file header's metadata entries: the schema, the codec, the trace's metadata and their checksum. */
    private static Map<String, byte[]> header(TraceMetadata given, TraceCodec codec) {
        if (given.formatVersion() > TraceFormat.FORMAT_VERSION) {
            throw new IllegalArgumentException("this writer writes format version " + TraceFormat.FORMAT_VERSION
                    + ", not " + given.formatVersion());
        }
        // Every event of an older version is an event of this one: the events of an older trace are
        // written again in the current version (its board metadata still says how it was recorded).
        TraceMetadata metadata = new TraceMetadata(TraceFormat.FORMAT_VERSION, given.projectVersion(), given.created(),
                given.platform(), given.diskImages(), given.workload(), given.seed(), given.board());
        Map<String, byte[]> header = new TreeMap<>();
        header.put(DataFileConstants.SCHEMA, TraceFormat.schemaText().getBytes(StandardCharsets.UTF_8));
        header.put(DataFileConstants.CODEC, codec.avroName().getBytes(StandardCharsets.UTF_8));
        MetadataCodec.encode(metadata).forEach((key, value) -> header.put(key, value.getBytes(StandardCharsets.UTF_8)));
        header.put(MetadataCodec.HEADER_CRC, MetadataCodec.headerChecksum(header).getBytes(StandardCharsets.UTF_8));
        return header;
    }

    private static byte[] newSync() {
        byte[] sync = new byte[DataFileConstants.SYNC_SIZE];
        new SecureRandom().nextBytes(sync);
        return sync;
    }

    private static void closeQuietly(OutputStream out) {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // Reported through the original failure.
            }
        }
    }
}
