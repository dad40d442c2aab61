package dev.vblk.platform;

/** Little-endian encoding of integers into byte arrays, the byte order of every virtio structure. */
public final class LittleEndian {

    private LittleEndian() {}

    /** Reads an unsigned little-endian integer of {@code size} bytes (1 to 8) at {@code offset}. */
    public static long get(byte[] bytes, int offset, int size) {
        long value = 0;
        for (int i = size - 1; i >= 0; i--) {
            value = (value << 8) | (bytes[offset + i] & 0xffL);
        }
        return value;
    }

    /** Writes the low {@code size} bytes of {@code value} little-endian at {@code offset}. */
    public static void put(byte[] bytes, int offset, int size, long value) {
        for (int i = 0; i < size; i++) {
            bytes[offset + i] = (byte) (value >>> (8 * i));
        }
    }

    /** The low {@code size} bytes of {@code value}, little-endian, in a new array. */
    public static byte[] bytes(long value, int size) {
        byte[] bytes = new byte[size];
        put(bytes, 0, size, value);
        return bytes;
    }
}
