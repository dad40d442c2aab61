package dev.vblk.trace;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The bytes of an Avro container file as {@link TraceReader} reads them: single bytes, byte ranges
 * allocated only as the data actually arrives, and Avro's variable-length integers, with the
 * position in the file for error messages. The end of the data inside a structure is
 * {@link EndOfData}; a failure of the stream itself is an {@link UncheckedIOException}.
 *
 * <p>It keeps its own buffer and reads the stream in large pieces straight into it, and a block's
 * bytes are handed out where they lie in that buffer ({@link #take}), so that each byte of the file
 * is copied once on its way to the decompressor. (Through a {@code BufferedInputStream} into a
 * block's own array it was copied twice, and the buffered stream asked the file for its size and
 * position after every read.)
 */
final class ContainerInput implements AutoCloseable {

    /** The stream ended inside a structure. */
    static final class EndOfData extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EndOfData() {
            super(null, null, false, false);
        }
    }

    /** The size the buffer starts with, room for a few blocks of the trace writer's size. */
    static final int INITIAL_BUFFER = 256 << 10;

    private final InputStream in;
    /** The bytes read and not yet taken are {@code buffer[start, end)}. */
    private byte[] buffer = new byte[INITIAL_BUFFER];
    private int start;
    private int end;
    private long position;

    ContainerInput(InputStream stream) {
        this.in = stream;
    }

    /** The number of bytes taken so far. */
    long position() {
        return position;
    }

    /** The next byte, or -1 at the end of the data. */
    int readByte() {
        if (start == end && !fill(1)) {
            return -1;
        }
        position++;
        return buffer[start++] & 0xff;
    }

    /** Reads {@code length} bytes, allocating only as data arrives; a short read ends the data unless allowed. */
    byte[] readBytes(int length, boolean shortAllowed) {
        byte[] bytes = new byte[Math.min(length, INITIAL_BUFFER)];
        int read = 0;
        while (read < length && (start < end || fill(1))) {
            int piece = Math.min(length - read, end - start);
            if (read + piece > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(length, Math.max(2L * bytes.length, read + piece)));
            }
            System.arraycopy(buffer, start, bytes, read, piece);
            start += piece;
            read += piece;
        }
        position += read;
        if (read < length && !shortAllowed) {
            throw new EndOfData();
        }
        return read == bytes.length ? bytes : Arrays.copyOf(bytes, read);
    }

    /**
     * Takes the next {@code length} bytes where they lie in {@link #array()}, and returns the index
     * of the first: they stay there until the next call of any read method. The buffer grows only
     * as the data arrives (a length read from the file is not trusted); a short read ends the data.
     */
    int take(int length) {
        if (end - start < length && !fill(length)) {
            throw new EndOfData();
        }
        int at = start;
        start += length;
        position += length;
        return at;
    }

    /** The array that {@link #take} hands out ranges of. */
    byte[] array() {
        return buffer;
    }

    /**
     * Reads until at least {@code count} bytes are unread, moving them to the front of the buffer
     * when there is no room behind them and growing it only once it is full of bytes read; false if
     * the data ends first.
     */
    private boolean fill(int count) {
        if (buffer.length - start < count) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        try {
            while (end - start < count) {
                if (end == buffer.length) {
                    buffer = Arrays.copyOf(buffer, (int) Math.min(Integer.MAX_VALUE - 8, 2L * buffer.length));
                }
                int n = in.read(buffer, end, buffer.length - end);
                if (n < 0) {
                    return false;
                }
                end += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trace file", e);
        }
        return true;
    }

    /** Decodes an Avro zig-zag variable-length long; {@code eventIndex} is where a damaged one is reported. */
    long readLong(long eventIndex) {
        int first = readByte();
        if (first < 0) {
            throw new EndOfData();
        }
        return readLong(first, eventIndex);
    }

    /** Decodes an Avro zig-zag variable-length long whose first byte is already read. */
    long readLong(int first, long eventIndex) {
        long raw = first & 0x7f;
        int shift = 7;
        int b = first;
        while ((b & 0x80) != 0) {
            if (shift > 63) {
                throw TraceFormatException.corrupt("a variable-length integer is too long", eventIndex, position, null);
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

    @Override
    public void close() throws IOException {
        in.close();
    }
}
