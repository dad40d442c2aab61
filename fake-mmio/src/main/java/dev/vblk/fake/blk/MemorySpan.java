package dev.vblk.fake.blk;

/**
 * A run of guest-physical memory: {@code length} bytes from {@code address}.
 *
 * @param address the first byte
 * @param length how many bytes, at least 1
 */
public record MemorySpan(long address, long length) {

    public MemorySpan {
        if (length < 1) {
            throw new IllegalArgumentException("a memory span holds at least one byte: " + length);
        }
    }

    /** The address just past the span. */
    public long end() {
        return address + length;
    }
}
