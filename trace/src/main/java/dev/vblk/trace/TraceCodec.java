package dev.vblk.trace;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.apache.avro.file.Codec;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DeflateCodec;
import org.apache.avro.file.ZstandardCodec;

/** The Avro block compression a {@link TraceWriter} uses; any reader reads all of them. */
public enum TraceCodec {
    /** No compression: fastest to write, largest files. */
    NONE("null"),
    /** Deflate at level 6: every Avro implementation reads it. The default. */
    DEFLATE("deflate"),
    /**
     * Zstandard at level 1 with pooled buffers: about 40% less writing time than deflate for about 1%
     * more bytes, but slower to read (see docs/trace-format.md). For recording where the overhead
     * on the recorded run matters.
     */
    ZSTANDARD("zstandard");

    /** The codec a writer uses unless told otherwise. */
    public static final TraceCodec DEFAULT = DEFLATE;

    private final String avroName;

    TraceCodec(String avroName) {
        this.avroName = avroName;
    }

    /** The codec's name in the {@code avro.codec} file metadata. */
    public String avroName() {
        return avroName;
    }

    /** Avro's codec for writing, made on use so that naming a codec loads no Avro classes. */
    CodecFactory factory() {
        return switch (this) {
            case NONE -> CodecFactory.nullCodec();
            case DEFLATE -> CodecFactory.deflateCodec(6);
            case ZSTANDARD -> CodecFactory.zstandardCodec(1, false, true);
        };
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

    /** A decompressor for the blocks of one trace, reusing its inflater or buffers from block to block. */
    Decompressor decompressor() {
        return new Decompressor(switch (this) {
            case NONE -> null;
            case DEFLATE -> new DeflateCodec(CodecFactory.DEFAULT_DEFLATE_LEVEL);
            case ZSTANDARD -> new ZstandardCodec(1, false, true);
        });
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
