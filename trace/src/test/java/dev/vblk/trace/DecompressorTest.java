package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DeflateCodec;
import org.junit.jupiter.api.Test;

/**
 * The deflate blocks of a trace inflate, into a buffer used again from block to block, exactly as
 * Avro's deflate codec inflates them: the same bytes for whole, cut and damaged blocks, and the same
 * exception where the data is not deflate.
 */
class DecompressorTest {

    /** Bytes that compress (repeated records) followed by bytes that do not (random sector data). */
    private static byte[] sample(int length, long seed) {
        Random random = new Random(seed);
        byte[] plain = new byte[length];
        for (int i = 0; i < length / 2; i++) {
            plain[i] = (byte) (i % 13);
        }
        for (int i = length / 2; i < length; i++) {
            plain[i] = (byte) random.nextInt();
        }
        return plain;
    }

    private static byte[] deflate(TraceCodec codec, byte[] plain) {
        TraceCodec.Compressor compressor = codec.compressor();
        compressor.compress(plain, plain.length);
        return Arrays.copyOf(compressor.output(), compressor.length());
    }

    /** What a decompression gave: its bytes, or the exception it threw as the reader reports it. */
    private static String outcome(Decompression decompression, byte[] block, int length) {
        try {
            ByteBuffer plain = decompression.apply(block, length);
            byte[] bytes = new byte[plain.remaining()];
            plain.get(bytes);
            return "bytes " + Arrays.toString(bytes);
        } catch (Exception e) {
            return "failed " + e;
        }
    }

    private interface Decompression {
        ByteBuffer apply(byte[] block, int length) throws Exception;
    }

    private static Decompression avro() {
        DeflateCodec codec = new DeflateCodec(CodecFactory.DEFAULT_DEFLATE_LEVEL);
        return (block, length) -> codec.decompress(ByteBuffer.wrap(block, 0, length));
    }

    @Test
    void blocksInflateAgainAsTheyWereIntoOneReusedBuffer() throws Exception {
        TraceCodec.Decompressor decompressor = TraceCodec.DEFLATE.decompressor();
        // Larger blocks after smaller ones make the buffer grow; smaller ones after larger reuse it.
        for (int length : new int[] {10, 70_000, 300_000, 5, 1 << 20, 4096}) {
            byte[] plain = sample(length, length);
            for (TraceCodec codec : new TraceCodec[] {TraceCodec.DEFLATE, TraceCodec.DEFLATE_BEST}) {
                byte[] block = deflate(codec, plain);
                // The block lies inside a larger array, as in the reader's buffer.
                byte[] around = new byte[block.length + 40];
                System.arraycopy(block, 0, around, 17, block.length);
                ByteBuffer inflated = decompressor.decompress(around, 17, block.length);
                assertEquals(plain.length, inflated.remaining());
                assertArrayEquals(plain, Arrays.copyOfRange(inflated.array(), inflated.position(), inflated.limit()));
            }
        }
    }

    @Test
    void cutAndDamagedBlocksGiveWhatAvrosCodecGives() throws Exception {
        TraceCodec.Decompressor decompressor = TraceCodec.DEFLATE.decompressor();
        Decompression ours = (bytes, length) -> decompressor.decompress(bytes, 0, length);
        Decompression theirs = avro();
        byte[] block = deflate(TraceCodec.DEFLATE, sample(3000, 7));
        int failures = 0;
        for (int cut = 0; cut <= block.length; cut += 7) {
            assertEquals(outcome(theirs, block, cut), outcome(ours, block, cut), "cut at " + cut);
        }
        Random random = new Random(11);
        for (int at = 0; at < block.length; at++) {
            byte[] damaged = block.clone();
            damaged[at] ^= (byte) (1 + random.nextInt(255));
            // Trailing bytes after the end of the deflate stream are ignored alike.
            byte[] longer = Arrays.copyOf(damaged, damaged.length + 3);
            String expected = outcome(theirs, longer, longer.length);
            assertEquals(expected, outcome(ours, longer, longer.length), "byte " + at + " damaged");
            if (expected.startsWith("failed")) {
                failures++;
            }
        }
        assertTrue(failures > 0, "no damage was caught: the test compares nothing that fails");
    }

    @Test
    void uncompressedBlocksAreTheBytesThemselves() throws Exception {
        byte[] block = sample(100, 3);
        ByteBuffer plain = TraceCodec.NONE.decompressor().decompress(block, 30, 60);
        assertEquals(60, plain.remaining());
        assertEquals(30, plain.arrayOffset() + plain.position());
        assertTrue(plain.array() == block);
    }
}
