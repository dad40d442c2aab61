package dev.vblk.fake.blk;

import java.util.ArrayList;
import java.util.List;

/** One guest-physical buffer of a descriptor chain. */
record Segment(long address, long length) {

    /** Total bytes of {@code segments}. */
    static long total(List<Segment> segments) {
        long sum = 0;
        for (Segment segment : segments) {
            sum += segment.length;
        }
        return sum;
    }

    /** The bytes {@code [from, to)} of the concatenation of {@code segments}, as segments. */
    static List<Segment> slice(List<Segment> segments, long from, long to) {
        List<Segment> out = new ArrayList<>();
        long position = 0;
        for (Segment segment : segments) {
            long start = Math.max(from, position);
            long end = Math.min(to, position + segment.length);
            if (start < end) {
                out.add(new Segment(segment.address + (start - position), end - start));
            }
            position += segment.length;
        }
        return out;
    }
}
