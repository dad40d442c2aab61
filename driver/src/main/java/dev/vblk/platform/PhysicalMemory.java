package dev.vblk.platform;

/**
 * Guest-physical memory: the memory a device reaches by DMA.
 *
 * <p>Implementations provide the two byte-range primitives; the little-endian helpers are built on
 * them, so a decorator that intercepts the primitives sees every access.
 */
public interface PhysicalMemory {

    /** Copies {@code length} bytes at physical {@code address} into {@code destination[offset..]}. */
    void readMemory(long address, byte[] destination, int offset, int length);

    /** Copies {@code source[offset..offset+length)} to physical {@code address}. */
    void writeMemory(long address, byte[] source, int offset, int length);

    /** Reads {@code length} bytes at a physical address into a new array. */
    default byte[] readMemory(long address, int length) {
        byte[] bytes = new byte[length];
        readMemory(address, bytes, 0, length);
        return bytes;
    }

    /** Writes all of {@code bytes} at a physical address. */
    default void writeMemory(long address, byte[] bytes) {
        writeMemory(address, bytes, 0, bytes.length);
    }

    /** Reads an unsigned 8-bit value. */
    default int readU8(long address) {
        return readMemory(address, 1)[0] & 0xff;
    }

    /** Reads an unsigned little-endian 16-bit value. */
    default int readU16(long address) {
        return (int) LittleEndian.get(readMemory(address, 2), 0, 2);
    }

    /** Reads an unsigned little-endian 32-bit value. */
    default long readU32(long address) {
        return LittleEndian.get(readMemory(address, 4), 0, 4);
    }

    /** Reads a little-endian 64-bit value. */
    default long readU64(long address) {
        return LittleEndian.get(readMemory(address, 8), 0, 8);
    }

    /** Writes an 8-bit value. */
    default void writeU8(long address, int value) {
        writeMemory(address, new byte[] {(byte) value});
    }

    /** Writes a little-endian 16-bit value. */
    default void writeU16(long address, int value) {
        writeMemory(address, LittleEndian.bytes(value, 2));
    }

    /** Writes a little-endian 32-bit value. */
    default void writeU32(long address, long value) {
        writeMemory(address, LittleEndian.bytes(value, 4));
    }

    /** Writes a little-endian 64-bit value. */
    default void writeU64(long address, long value) {
        writeMemory(address, LittleEndian.bytes(value, 8));
    }
}
