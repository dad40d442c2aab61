package dev.vblk.virtio.queue.chain;

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
        int firstWritable = firstWritable(segments);
        for (int i = firstWritable; i < segments.size(); i++) {
            if (!segments.get(i).deviceWritable()) {
                throw new IllegalArgumentException("segment " + i + " is device-readable after a device-writable one");
            }
        }
    }

    /** The device-readable buffers, in order. */
    public List<ChainSegment> readable() {
        return segments.subList(0, firstWritable(segments));
    }

    /** The device-writable buffers, in order. */
    public List<ChainSegment> writable() {
        return segments.subList(firstWritable(segments), segments.size());
    }

    private static int firstWritable(List<ChainSegment> segments) {
        int index = 0;
        while (index < segments.size() && !segments.get(index).deviceWritable()) {
            index++;
        }
        return index;
    }
}
