package dev.vblk.virtio.queue.chain;

/**
 * Read access to guest memory for decoding descriptor chains: a device's DMA, a platform's
 * {@code PhysicalMemory} ({@code memory::readMemory}) or memory rebuilt from a trace.
 */
@FunctionalInterface
public interface GuestMemoryReader {

    /** The {@code length} bytes at guest-physical {@code address}. */
    byte[] read(long address, int length);

    /**
     * Whether {@code [address, address + length)} is guest memory a device may reach; buffers and
     * indirect tables outside it make a chain malformed. By default all of it is.
     */
    default boolean contains(long address, long length) {
        return true;
    }
}
