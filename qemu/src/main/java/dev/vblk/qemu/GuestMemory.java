package dev.vblk.qemu;

/**
 * How {@link QemuPlatform} reaches guest RAM: by qtest memory commands ({@link QtestGuestMemory}) or
 * through a mapping of the file QEMU's RAM lives in ({@link SharedGuestRam}). Callers have checked
 * that every range lies inside guest RAM.
 */
interface GuestMemory {

    /** Copies {@code length} bytes at guest-physical {@code address} into {@code destination[offset..]}. */
    void read(long address, byte[] destination, int offset, int length);

    /** Copies {@code source[offset..offset+length)} to guest-physical {@code address}. */
    void write(long address, byte[] source, int offset, int length);

    /** Sets {@code length} bytes at guest-physical {@code address} to zero. */
    void zero(long address, long length);
}
