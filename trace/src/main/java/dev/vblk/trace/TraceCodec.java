package dev.vblk.trace;

import com.github.luben.zstd.Zstd;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.Deflater;
import org.apache.avro.file.Codec;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DeflateCodec;
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

    /** A decompressor for the blocks of one trace, reusing its inflater or buffers from block to block. */
    Decompressor decompressor() {
        return new Decompressor(switch (this) {
            case NONE -> null;
            case DEFLATE, DEFLATE_BEST -> new DeflateCodec(CodecFactory.DEFAULT_DEFLATE_LEVEL);
            case ZSTANDARD -> new ZstandardCodec(1, false, true);
        });
    }

    /** Compresses the blocks of one trace, one after the other (not thread-safe). */
    static final class Compressor {
        private final TraceCodec codec;
        private final Deflater deflater;
        private final Deflater storer;
        private byte[] output = new byte[1 << 16];
        private int length;

        private Compressor(TraceCodec codec) {
            this.codec = codec;
            boolean deflate = codec == DEFLATE || codec == DEFLATE_BEST;
            // Avro's deflate codec is raw deflate (no zlib header).
            this.deflater = deflate ? new Deflater(codec.level, true) : null;
            this.storer = deflate ? new Deflater(Deflater.NO_COMPRESSION, true) : null;
        }

        /**
         * Compresses {@code length} bytes of {@code block}; with {@code store}, for bytes that do not
         * compress, only frames them as the codec's format requires. The result is {@link #output()}
         * up to {@link #length()}, valid until the next call.
         */
        void compress(byte[] block, int length, boolean store) {
            switch (codec) {
                case NONE -> {
                    ensure(length);
                    System.arraycopy(block, 0, output, 0, length);
                    this.length = length;
                }
                case DEFLATE, DEFLATE_BEST -> deflate(store ? storer : deflater, block, length);
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

    /** Decompresses the blocks of one trace, one after the other (not thread-safe). */
    static final class Decompressor {
        private final Codec codec;

        private Decompressor(Codec codec) {
            this.codec = codec;
        }

        /**
         * Decompresses one block into a buffer backed by an array. Avro bounds the output (system
         * property {@code org.apache.avro.limits.decompress.maxLength}, default the smaller of 200
         * MiB and a quarter of the heap).
         */
        ByteBuffer decompress(byte[] block) throws IOException {
            return codec == null ? ByteBuffer.wrap(block) : codec.decompress(ByteBuffer.wrap(block));
        }
    }
}
