package dev.vblk.fake.disk;

/**
 * The bytes behind a fake block device, addressed by byte offset. The device's capacity is
 * {@code sizeBytes() / 512} sectors. Failures throw {@link DiskAccessException}.
 */
public interface DiskBacking {

    /** Current size in bytes. */
    long sizeBytes();

    /** Reads {@code length} bytes at byte {@code position} into {@code destination[offset..]}. */
    void read(long position, byte[] destination, int offset, int length);

    /** Writes {@code source[offset..offset+length)} at byte {@code position}. */
    void write(long position, byte[] source, int offset, int length);

    /** Lets the backing forget {@code length} bytes at {@code position}; they read back as zeros. */
    void discard(long position, long length);

    /** Makes every completed write durable. */
    void flush();

    /** Changes the size; new bytes read as zeros. */
    void resize(long newSizeBytes);

    /** Throws unless {@code [position, position + length)} lies inside the disk. */
    default void checkRange(long position, long length) {
        if (position < 0 || length < 0 || position > sizeBytes() - length) {
            throw new DiskAccessException(String.format(
                    "disk access of %d bytes at byte %d is outside the disk of %d bytes",
                    length, position, sizeBytes()));
        }
    }
}
