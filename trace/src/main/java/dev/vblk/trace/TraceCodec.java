package dev.vblk.trace;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.ZipException;
import org.apache.avro.SystemLimitException;
import org.apache.avro.file.Codec;
import org.apache.avro.file.ZstandardCodec;

/**
 * The Avro block compression a {@link TraceWriter} uses; any reader reads all of them. A block whose
 * bytes are mostly data that does not compress (random sector contents) is stored without
 * compression in the codec's own format (deflate's stored blocks), which every reader of the codec
 * reads.
 */
public enum TraceCodec {
    /** No compression: largest files. */
    NONE("null", 0),
    /** Deflate at level 1: every Avro implementation reads it. The default (see docs/trace-format.md). */
    DEFLATE("deflate", 1),
    /** Deflate at level 6: a little smaller than level 1 for several times the writing time. */
    DEFLATE_BEST("deflate", 6),
    /** Zstandard at level 1 (zstd-jni): Avro's Java and Python implementations read it with their zstandard module. */
    ZSTANDARD("zstandard", 1);

    /** The codec a writer uses unless told otherwise. */
    public static final TraceCodec DEFAULT = DEFLATE;

    private final String avroName;
    private final int level;

    TraceCodec(String avroName, int level) {
        this.avroName = avroName;
        this.level = level;
    }

    /** The codec's name in the {@code avro.codec} file metadata. */
    public String avroName() {
        return avroName;
    }

    /** The codec named by an {@code avro.codec} metadata value, if a trace may use it. */
    static Optional<TraceCodec> fromAvroName(String name) {
        for (TraceCodec codec : values()) {
            if (codec.avroName.equals(name)) {
                return Optional.of(codec);
            }
        }
        return Optional.empty();
    }

    /** A compressor for the blocks of one trace, reusing its buffers from block to block. */
    Compressor compressor() {
        return new Compressor(this);
    }

    /** A decompressor for the blocks of one trace, reusing its inflater and buffers from block to block. */
    Decompressor decompressor() {
        return new Decompressor(this);
    }

    /** Compresses the blocks of one trace, one after the other (not thread-safe). */
    static final class Compressor {
        /** The most bytes one deflate stored block holds. */
        private static final int STORED_MAX = 0xffff;
        /** A stored block's header: its type byte, LEN and NLEN. */
        private static final int STORED_HEADER = 5;

        private final TraceCodec codec;
        private final Deflater deflater;
        private byte[] output = new byte[1 << 16];
        private int length;

        private Compressor(TraceCodec codec) {
            this.codec = codec;
            boolean deflate = codec == DEFLATE || codec == DEFLATE_BEST;
            // Avro's deflate codec is raw deflate (no zlib header).
            this.deflater = deflate ? new Deflater(codec.level, true) : null;
        }

        /**
         * Compresses {@code length} bytes of {@code block}; the result is {@link #output()} up to
         * {@link #length()}, valid until the next call. For {@link #NONE}, use {@link #writeStored}.
         */
        void compress(byte[] block, int length) {
            switch (codec) {
                case NONE -> throw new IllegalStateException("blocks of an uncompressed trace are written as they are");
                case DEFLATE, DEFLATE_BEST -> deflate(deflater, block, length);
                case ZSTANDARD -> {
                    ensure((int) Zstd.compressBound(length));
                    // Zstandard stores what does not compress by itself, at little cost.
                    long written = Zstd.compressByteArray(output, 0, output.length, block, 0, length, codec.level);
                    if (Zstd.isError(written)) {
                        throw new IllegalStateException("zstandard failed: " + Zstd.getErrorName(written));
                    }
                    this.length = (int) written;
                }
            }
        }

        /** Whether the codec compresses at all ({@link #NONE} does not). */
        boolean compresses() {
            return codec != NONE;
        }

        /**
         * The size of {@code length} bytes framed uncompressed as the codec's format requires, for
         * {@link #writeStored}; -1 when the codec has no such framing of its own (Zstandard stores
         * data that does not compress by itself).
         */
        long storedSize(int length) {
            return switch (codec) {
                case NONE -> length;
                case DEFLATE, DEFLATE_BEST -> length + (long) STORED_HEADER * storedChunks(length);
                case ZSTANDARD -> -1;
            };
        }

        /**
         * Writes {@code length} bytes of {@code block} to {@code out} uncompressed, straight from the
         * block, framed as the codec's format requires: as they are, or as deflate's stored blocks
         * (RFC 1951, section 3.2.4: a header byte, LEN and NLEN, then the bytes).
         */
        void writeStored(byte[] block, int length, OutputStream out) throws IOException {
            if (codec == NONE) {
                out.write(block, 0, length);
                return;
            }
            int chunks = storedChunks(length);
            byte[] header = new byte[STORED_HEADER];
            for (int chunk = 0, at = 0; chunk < chunks; chunk++) {
                int size = Math.min(STORED_MAX, length - at);
                header[0] = (byte) (chunk == chunks - 1 ? 1 : 0);
                header[1] = (byte) size;
                header[2] = (byte) (size >>> 8);
                header[3] = (byte) ~size;
                header[4] = (byte) (~size >>> 8);
                out.write(header);
                out.write(block, at, size);
                at += size;
            }
        }

        private static int storedChunks(int length) {
            return Math.max(1, (length + STORED_MAX - 1) / STORED_MAX);
        }

        private void deflate(Deflater with, byte[] block, int length) {
            with.reset();
            with.setInput(block, 0, length);
            with.finish();
            // Stored blocks add 5 bytes in 65,535; compressed output is bounded likewise.
            ensure(length + length / 8 + 64);
            int written = 0;
            while (!with.finished()) {
                if (written == output.length) {
                    output = Arrays.copyOf(output, output.length * 2);
                }
                written += with.deflate(output, written, output.length - written);
            }
            this.length = written;
        }

        private void ensure(int capacity) {
            if (output.length < capacity) {
                output = new byte[Math.max(capacity, output.length * 2)];
            }
        }

        byte[] output() {
            return output;
        }

        int length() {
            return length;
        }
    }

    /**
     * Decompresses the blocks of one trace, one after the other (not thread-safe). Deflate is inflated
     * here, into one output buffer used again from block to block, with the same results as Avro's
     * deflate codec (the same bytes, the same exceptions for damaged data, and the same bound on the
     * output); Zstandard goes through Avro's codec.
     */
    static final class Decompressor {
        private final TraceCodec codec;
        private final Inflater inflater;
        private final Codec zstandard;
        private byte[] output = new byte[1 << 16];

        private Decompressor(TraceCodec codec) {
            this.codec = codec;
            boolean deflate = codec == DEFLATE || codec == DEFLATE_BEST;
            this.inflater = deflate ? new Inflater(true) : null;
            this.zstandard = codec == ZSTANDARD ? new ZstandardCodec(1, false, true) : null;
        }

        /**
         * Decompresses the {@code length} bytes of {@code block} from {@code offset} into a buffer
         * backed by an array, valid until the next call (without compression, {@code block} itself).
         * The output is bounded as Avro bounds it (system property
         * {@code org.apache.avro.limits.decompress.maxLength}, default the smaller of 200 MiB and a
         * quarter of the heap).
         */
        ByteBuffer decompress(byte[] block, int offset, int length) throws IOException {
            return switch (codec) {
                case NONE -> ByteBuffer.wrap(block, offset, length);
                case DEFLATE, DEFLATE_BEST -> inflate(block, offset, length);
                case ZSTANDARD -> zstandard.decompress(ByteBuffer.wrap(block, offset, length));
            };
        }

        /**
         * Inflates raw deflate data as Avro's codec does: data cut short gives what it holds, bytes
         * after the end of the deflate stream are ignored, and damaged data is a {@link ZipException}
         * with the inflater's message.
         */
        private ByteBuffer inflate(byte[] block, int offset, int length) throws ZipException {
            inflater.reset();
            inflater.setInput(block, offset, length);
            long limit = SystemLimitException.MAX_DECOMPRESS_LENGTH;
            int written = 0;
            try {
                while (!inflater.finished()) {
                    if (written == output.length) {
                        output = Arrays.copyOf(output, (int) Math.min(2L * output.length, Integer.MAX_VALUE - 8));
                    }
                    int room = (int) Math.min(output.length - written, limit - written + 1);
                    int n = inflater.inflate(output, written, room);
                    SystemLimitException.checkMaxDecompressCapacity(limit, written, n);
                    written += n;
                    if (n == 0 && inflater.needsDictionary()) {
                        throw new ZipException("ZLIB dictionary missing");
                    }
                    if (n == 0 && inflater.needsInput()) {
                        break;
                    }
                }
            } catch (DataFormatException e) {
                throw new ZipException(e.getMessage() == null ? "Invalid ZLIB data format" : e.getMessage());
            }
            return ByteBuffer.wrap(output, 0, written);
        }
    }
}
