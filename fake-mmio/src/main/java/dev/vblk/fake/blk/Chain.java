package dev.vblk.fake.blk;

import java.util.List;

/**
 * A validated descriptor chain: its head index, the device-readable buffers and, after them, the
 * device-writable buffers, whose last byte is the status byte.
 */
record Chain(int head, List<Segment> readable, List<Segment> writable) {

    Chain {
        readable = List.copyOf(readable);
        writable = List.copyOf(writable);
    }

    /** Readable bytes after the 16-byte header. */
    List<Segment> readableData() {
        return Segment.slice(readable, VirtioBlk.HEADER_SIZE, Segment.total(readable));
    }

    /** Writable bytes before the status byte. */
    List<Segment> writableData() {
        return Segment.slice(writable, 0, Segment.total(writable) - 1);
    }

    /** Address of the status byte: the last writable byte. */
    long statusAddress() {
        Segment last = writable.get(writable.size() - 1);
        return last.address() + last.length() - 1;
    }
}
