package dev.vblk.trace;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The bytes of an Avro container file as {@link TraceReader} reads them: single bytes, byte ranges
 * allocated only as the data actually arrives, and Avro's variable-length integers, with the
 * position in the file for error messages. The end of the data inside a structure is
 * {@link EndOfData}; a failure of the stream itself is an {@link UncheckedIOException}.
 */
final class ContainerInput implements AutoCloseable {

    /** The stream ended inside a structure. */
    static final class EndOfData extends RuntimeException {
        private static final long serialVersionUID = 1L;

        EndOfData() {
            super(null, null, false, false);
        }
    }

    /** The least a buffer of {@link #readInto} grows by. */
    private static final int GROWTH = 1 << 16;

    private final CountingInputStream in;

    ContainerInput(InputStream stream) {
        this.in = new CountingInputStream(stream);
    }

    /** The number of bytes read so far. */
    long position() {
        return in.position;
    }

    /** The next byte, or -1 at the end of the data. */
    int readByte() {
        try {
            return in.read();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trace file", e);
        }
    }

    /** Reads {@code length} bytes, allocating only as data arrives; a short read ends the data unless allowed. */
    byte[] readBytes(int length, boolean shortAllowed) {
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

    /**
     * Reads {@code length} bytes into {@code buffer} from its start, growing it only as the data
     * arrives (a length read from the file is not trusted), and returns it: {@code buffer} itself when
     * it is long enough, else a longer copy for the caller to keep. A short read ends the data.
     */
    byte[] readInto(byte[] buffer, int length) {
        byte[] into = buffer;
        int read = 0;
        try {
            while (read < length) {
                if (read == into.length) {
                    into = Arrays.copyOf(into, (int) Math.min(length, Math.max(2L * into.length, GROWTH)));
                }
                int n = in.read(into, read, Math.min(length, into.length) - read);
                if (n < 0) {
                    throw new EndOfData();
                }
                read += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trace file", e);
        }
        return into;
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
                throw TraceFormatException.corrupt("a variable-length integer is too long", eventIndex, in.position, null);
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
