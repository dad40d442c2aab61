package dev.vblk.fuzz.oracle;

import java.util.Arrays;

/**
 * The register accesses one driver call made inside its window, in order, as {@link CountingPlatform}
 * saw them: each access's offset from the window's base, direction and value (the value written, or
 * the value read). Kept in arrays, without an object per access: every register access of every
 * case is noted here, and the checks read them back by index.
 */
public final class RegisterAccesses {

    private int[] offsets = new int[256];
    private boolean[] writes = new boolean[256];
    private long[] values = new long[256];
    private int size;

    /** How many accesses there are. */
    public int size() {
        return size;
    }

    /** The offset from the window's base of access {@code i}. */
    public int offset(int i) {
        return offsets[checked(i)];
    }

    /** Whether access {@code i} was a write. */
    public boolean write(int i) {
        return writes[checked(i)];
    }

    /** The value access {@code i} wrote or read. */
    public long value(int i) {
        return values[checked(i)];
    }

    /** Notes an access after the others. */
    void add(int offset, boolean write, long value) {
        if (size == offsets.length) {
            offsets = Arrays.copyOf(offsets, 2 * size);
            writes = Arrays.copyOf(writes, 2 * size);
            values = Arrays.copyOf(values, 2 * size);
        }
        offsets[size] = offset;
        writes[size] = write;
        values[size] = value;
        size++;
    }

    /** Forgets every access. */
    void clear() {
        size = 0;
    }

    private int checked(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("access " + i + " of " + size);
        }
        return i;
    }
}
