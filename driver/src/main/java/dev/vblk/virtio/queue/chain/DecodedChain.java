package dev.vblk.virtio.queue.chain;

import java.util.List;

/**
 * A well-formed descriptor chain: the device-readable buffers, then the device-writable ones.
 *
 * @param head the descriptor index the available ring named (the used element's id)
 * @param segments the buffers in chain order, an indirect table's buffers in place of the
 *     descriptor that referred to it
 * @param indirect whether the chain went through an indirect descriptor table
 */
public record DecodedChain(int head, List<ChainSegment> segments, boolean indirect) {

    public DecodedChain {
        segments = List.copyOf(segments);
    }

    /** The device-readable buffers, in order. */
    public List<ChainSegment> readable() {
        return segments.stream().filter(segment -> !segment.deviceWritable()).toList();
    }

    /** The device-writable buffers, in order. */
    public List<ChainSegment> writable() {
        return segments.stream().filter(ChainSegment::deviceWritable).toList();
    }
}
