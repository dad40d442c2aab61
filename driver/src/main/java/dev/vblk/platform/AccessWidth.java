package dev.vblk.platform;

/** The width of one register access, as a bus transaction sees it. */
public enum AccessWidth {
    BYTE(1),
    HALF(2),
    WORD(4),
    DOUBLE(8);

    private final int bytes;

    AccessWidth(int bytes) {
        this.bytes = bytes;
    }

    /** Number of bytes this access moves. */
    public int bytes() {
        return bytes;
    }

    /** Number of bits this access moves. */
    public int bits() {
        return bytes * 8;
    }

    /** The value truncated to this width (upper bits cleared). */
    public long truncate(long value) {
        return this == DOUBLE ? value : value & ((1L << bits()) - 1);
    }

    /** The width of the given number of bytes (1, 2, 4 or 8). */
    public static AccessWidth ofBytes(int bytes) {
        for (AccessWidth width : values()) {
            if (width.bytes == bytes) {
                return width;
            }
        }
        throw new IllegalArgumentException("no access width of " + bytes + " bytes");
    }
}
