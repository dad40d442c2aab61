package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ContainerInputTest {

    @Test
    void mixedReadsOfAStreamThatArrivesInPiecesGiveItsBytesInOrder() {
        Random random = new Random(5);
        byte[] data = new byte[3 << 20];
        random.nextBytes(data);
        ContainerInput in = new ContainerInput(new Trickle(data, new Random(6)));

        int at = 0;
        while (at < data.length - 4) {
            int left = data.length - at;
            switch (random.nextInt(3)) {
                case 0 -> {
                    assertEquals(data[at] & 0xff, in.readByte(), "byte " + at);
                    at++;
                }
                case 1 -> {
                    int length = random.nextInt(Math.min(left, 3000) + 1);
                    assertArrayEquals(Arrays.copyOfRange(data, at, at + length), in.readBytes(length, false), "bytes at " + at);
                    at += length;
                }
                default -> {
                    // Up to more than twice the first buffer: it grows, or moves what is left to its front.
                    int length = random.nextInt(Math.min(left, 2 * ContainerInput.INITIAL_BUFFER + 5000) + 1);
                    int start = in.take(length);
                    assertTrue(Arrays.equals(in.array(), start, start + length, data, at, at + length), "range at " + at);
                    at += length;
                }
            }
            assertEquals(at, in.position());
        }
        assertArrayEquals(Arrays.copyOfRange(data, at, data.length), in.readBytes(100, true));
        assertEquals(-1, in.readByte());
    }

    @Test
    void aLengthLongerThanTheDataEndsItWithoutAllocatingThatLength() {
        byte[] data = new byte[1000];
        ContainerInput in = new ContainerInput(new Trickle(data, new Random(7)));

        assertThrows(ContainerInput.EndOfData.class, () -> in.take(Integer.MAX_VALUE - 100));
        assertEquals(ContainerInput.INITIAL_BUFFER, in.array().length);
        ContainerInput again = new ContainerInput(new ByteArrayInputStream(data));
        assertThrows(ContainerInput.EndOfData.class, () -> again.readBytes(Integer.MAX_VALUE - 100, false));
        assertEquals(data.length, new ContainerInput(new ByteArrayInputStream(data)).readBytes(Integer.MAX_VALUE - 100, true).length);
    }

    /** A stream that hands out its bytes a few at a time, as a pipe or a slow disk may. */
    private static final class Trickle extends InputStream {
        private final byte[] data;
        private final Random random;
        private int at;

        Trickle(byte[] data, Random random) {
            this.data = data;
            this.random = random;
        }

        @Override
        public int read() {
            return at < data.length ? data[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (at == data.length) {
                return -1;
            }
            int n = Math.min(Math.min(length, data.length - at), 1 + random.nextInt(random.nextBoolean() ? 7 : 70_000));
            System.arraycopy(data, at, buffer, offset, n);
            at += n;
            return n;
        }
    }
}
