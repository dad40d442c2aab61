package dev.vblk.virtio.queue.chain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A well-formed descriptor chain: the device-readable buffers, then the device-writable ones.
 *
 * @param head the descriptor index the available ring named (split), or the buffer id (packed): the
 *     id the used element or used descriptor carries
 * @param segments the buffers in chain order, an indirect table's buffers in place of the
 *     descriptor that referred to it
 * @param indirect whether the chain went through an indirect descriptor table
 * @param ringDescriptors descriptors of the queue's own table or ring the chain takes (a packed
 *     device skips this many positions after the chain's used descriptor)
 */
public record DecodedChain(int head, List<ChainSegment> segments, boolean indirect, int ringDescriptors) {

    public DecodedChain {
        segments = List.copyOf(segments);
    }

    /** The device-readable buffers, in order. */
    public List<ChainSegment> readable() {
        return part(false);
    }

    /** The device-writable buffers, in order. */
    public List<ChainSegment> writable() {
        return part(true);
    }

    private List<ChainSegment> part(boolean deviceWritable) {
        List<ChainSegment> part = new ArrayList<>(segments.size());
        for (ChainSegment segment : segments) {
            if (segment.deviceWritable() == deviceWritable) {
                part.add(segment);
            }
        }
        return Collections.unmodifiableList(part);
    }
}
