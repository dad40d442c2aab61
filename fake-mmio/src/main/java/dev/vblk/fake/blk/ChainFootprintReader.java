package dev.vblk.fake.blk;

import dev.vblk.virtio.queue.chain.ChainDecoder;
import dev.vblk.virtio.queue.chain.GuestMemoryReader;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest memory the shared chain decoder reads through, noting where it read each descriptor, so
 * a ring engine knows which table entries a chain took ({@link ChainFootprint}).
 */
final class ChainFootprintReader implements GuestMemoryReader {

    static final int DESCRIPTOR_SIZE = ChainDecoder.DESCRIPTOR_SIZE;

    private final GuestMemoryReader memory;
    private final List<Long> descriptors = new ArrayList<>();

    ChainFootprintReader(GuestMemoryReader memory) {
        this.memory = memory;
    }

    @Override
    public byte[] read(long address, int length) {
        if (length == DESCRIPTOR_SIZE) {
            descriptors.add(address);
        }
        return memory.read(address, length);
    }

    @Override
    public boolean contains(long address, long length) {
        return memory.contains(address, length);
    }

    /** The addresses of the descriptors read so far, in order. */
    List<Long> descriptors() {
        return List.copyOf(descriptors);
    }
}
