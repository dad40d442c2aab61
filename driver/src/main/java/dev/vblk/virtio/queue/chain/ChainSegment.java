package dev.vblk.virtio.queue.chain;

import java.util.ArrayList;
import java.util.List;

/**
 * One buffer of a decoded descriptor chain.
 *
 * @param address guest-physical address
 * @param length length in bytes (at least 1 in a decoded chain)
 * @param deviceWritable the descriptor had VIRTQ_DESC_F_WRITE: the device writes the buffer
 */
public record ChainSegment(long address, long length, boolean deviceWritable) {

    /** Total bytes of {@code segments}. */
    public static long total(List<ChainSegment> segments) {
        long sum = 0;
        for (ChainSegment segment : segments) {
            sum += segment.length;
        }
        return sum;
    }

    /** The bytes {@code [from, to)} of {@code segments} laid end to end, as segments. */
    public static List<ChainSegment> slice(List<ChainSegment> segments, long from, long to) {
        List<ChainSegment> out = new ArrayList<>();
        long position = 0;
        for (ChainSegment segment : segments) {
            long start = Math.max(from, position);
            long end = Math.min(to, position + segment.length);
            if (start < end) {
                out.add(new ChainSegment(segment.address + (start - position), end - start, segment.deviceWritable));
            }
            position += segment.length;
        }
        return out;
    }
}
