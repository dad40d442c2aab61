package dev.vblk.fake.blk;

import dev.vblk.virtio.queue.chain.ChainSegment;
import dev.vblk.virtio.queue.chain.DecodedChain;
import java.util.List;

/**
 * A validated descriptor chain as a virtio-blk request uses it: its head index, the
 * device-readable buffers and, after them, the device-writable buffers, whose last byte is the
 * status byte; {@code head} is the descriptor index of a split chain or the buffer id of a packed one,
 * {@code descriptors} the ring descriptors it takes, {@code footprint} the guest memory it occupies.
 */
record Chain(int head, List<ChainSegment> readable, List<ChainSegment> writable, int descriptors,
        ChainFootprint footprint) {

    Chain {
        readable = List.copyOf(readable);
        writable = List.copyOf(writable);
    }

    /** The request view of a decoded chain that occupies {@code footprint}. */
    static Chain of(DecodedChain decoded, ChainFootprint footprint) {
        return new Chain(decoded.head(), decoded.readable(), decoded.writable(), decoded.ringDescriptors(), footprint);
    }

    /** Readable bytes after the 16-byte header. */
    List<ChainSegment> readableData() {
        return ChainSegment.slice(readable, VirtioBlk.HEADER_SIZE, ChainSegment.total(readable));
    }

    /** Writable bytes before the status byte. */
    List<ChainSegment> writableData() {
        return ChainSegment.slice(writable, 0, ChainSegment.total(writable) - 1);
    }

    /** Address of the status byte: the last writable byte. */
    long statusAddress() {
        ChainSegment last = writable.get(writable.size() - 1);
        return last.address() + last.length() - 1;
    }
}
