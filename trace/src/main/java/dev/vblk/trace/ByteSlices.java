package dev.vblk.trace;

import java.security.MessageDigest;
import java.util.Arrays;

/**
 * Bytes held as ranges of arrays that nothing changes any more, in order, without copying them: the
 * data an outcome returned, as the trace's shared payloads hold it. Two are compared by content,
 * whatever their ranges.
 */
final class ByteSlices {

    private final byte[][] arrays;
    private final int[] offsets;
    private final int[] lengths;
    private final long length;

    private ByteSlices(byte[][] arrays, int[] offsets, int[] lengths) {
        this.arrays = arrays;
        this.offsets = offsets;
        this.lengths = lengths;
        long total = 0;
        for (int piece : lengths) {
            total += piece;
        }
        this.length = total;
    }

    /** The whole of {@code data}. */
    static ByteSlices of(byte[] data) {
        return new ByteSlices(new byte[][] {data}, new int[] {0}, new int[] {data.length});
    }

    /**
     * Collects ranges, in order, for one {@link #build()}. It starts with room for one range, as most
     * outcomes of a trace name one, and hands its arrays over when they are full.
     */
    static final class Builder {
        private byte[][] arrays = new byte[1][];
        private int[] offsets = new int[1];
        private int[] lengths = new int[1];
        private int count;

        /** Adds {@code length} bytes of {@code array} from {@code offset}, a range the caller checked. */
        void add(byte[] array, int offset, int length) {
            if (count == arrays.length) {
                arrays = Arrays.copyOf(arrays, count * 2);
                offsets = Arrays.copyOf(offsets, count * 2);
                lengths = Arrays.copyOf(lengths, count * 2);
            }
            arrays[count] = array;
            offsets[count] = offset;
            lengths[count] = length;
            count++;
        }

        /** The ranges added; the builder is not used after. */
        ByteSlices build() {
            if (count == arrays.length) {
                return new ByteSlices(arrays, offsets, lengths);
            }
            return new ByteSlices(Arrays.copyOf(arrays, count), Arrays.copyOf(offsets, count), Arrays.copyOf(lengths, count));
        }
    }

    /** The number of bytes. */
    long length() {
        return length;
    }

    /** The SHA-256 (or other) digest of the bytes, made with {@code digest}. */
    byte[] digest(MessageDigest digest) {
        for (int i = 0; i < arrays.length; i++) {
            digest.update(arrays[i], offsets[i], lengths[i]);
        }
        return digest.digest();
    }

    /** Whether {@code other} holds the same bytes in the same order. */
    boolean contentEquals(ByteSlices other) {
        if (length != other.length) {
            return false;
        }
        int i = 0;
        int j = 0;
        int atI = 0;
        int atJ = 0;
        while (i < arrays.length && j < other.arrays.length) {
            int run = Math.min(lengths[i] - atI, other.lengths[j] - atJ);
            int from = offsets[i] + atI;
            int otherFrom = other.offsets[j] + atJ;
            if (!Arrays.equals(arrays[i], from, from + run, other.arrays[j], otherFrom, otherFrom + run)) {
                return false;
            }
            atI += run;
            atJ += run;
            if (atI == lengths[i]) {
                i++;
                atI = 0;
            }
            if (atJ == other.lengths[j]) {
                j++;
                atJ = 0;
            }
        }
        return true;
    }
}
