package dev.vblk.trace;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The writer's side of the {@link PayloadWindow}: finds bytes that a shared payload in the window
 * already holds, so that an entry can refer to them instead of storing them again.
 *
 * <p>A shared payload is indexed by a checksum of its first {@link #CHUNK} bytes (or all of it when
 * shorter); a payload whose slices later entries copy (a write's data, which the driver copies into
 * its DMA buffers piece by piece) by a checksum of every {@link #CHUNK}-byte piece at a multiple of
 * {@link #CHUNK} from its start. A candidate found by checksum is compared byte for byte before it
 * is used, so a reference always names the same bytes.
 */
final class PayloadIndex {

    /** The granularity of the index: runs of bytes are found when they start at a multiple of it. */
    static final int CHUNK = 4096;

    /** Where an indexed piece starts. */
    private record Place(long payload, int offset) {}

    /** A payload in the window: the keys it added, and whether its array goes back to the buffers. */
    private record Stored(long[] keys, boolean recycled) {}

    private final PayloadWindow window = new PayloadWindow(this::forget);
    private final Map<Long, Place> places = new HashMap<>();
    /** The payloads in the window, oldest first. */
    private final ArrayDeque<Stored> stored = new ArrayDeque<>();
    private final CRC32C crc = new CRC32C();
    private final PayloadBuffers buffers;

    /** An index whose payloads taken from {@code buffers} go back to them when they leave the window. */
    PayloadIndex(PayloadBuffers buffers) {
        this.buffers = buffers;
    }

    /**
     * Stores a shared payload (one {@link PayloadWindow#isShared} accepts) and returns its number;
     * with {@code slices}, every piece is indexed, else its start only. With {@code recycled} the
     * array was taken from the buffers, and goes back to them when it leaves the window.
     */
    long store(byte[] payload, boolean slices, boolean recycled) {
        long number = window.add(payload);
        int end = slices ? payload.length : Math.min(payload.length, 1);
        long[] keys = new long[(end + CHUNK - 1) / CHUNK];
        int added = 0;
        for (int offset = 0; offset < end; offset += CHUNK) {
            long key = key(payload, offset, Math.min(CHUNK, payload.length - offset));
            Place known = places.get(key);
            if (known == null || window.payload(known.payload()) == null) {
                places.put(key, new Place(number, offset));
                keys[added++] = key;
            }
        }
        stored.addLast(new Stored(Arrays.copyOf(keys, added), recycled));
        return number;
    }

    /** A reference to {@code length} bytes of {@code data} from {@code offset} held by one shared payload, or null. */
    PayloadRef find(byte[] data, int offset, int length) {
        if (!PayloadWindow.isShared(length)) {
            return null;
        }
        Place place = candidate(data, offset, length);
        if (place == null) {
            return null;
        }
        byte[] payload = window.payload(place.payload());
        int end = place.offset() + length;
        if (end > payload.length || !Arrays.equals(payload, place.offset(), end, data, offset, offset + length)) {
            return null;
        }
        return new PayloadRef(place.payload(), place.offset(), length);
    }

    /** References that together hold all of {@code data}, in order, or null when the window does not hold it all. */
    List<PayloadRef> cover(byte[] data) {
        List<PayloadRef> refs = new ArrayList<>();
        int at = 0;
        while (at < data.length) {
            Place place = candidate(data, at, data.length - at);
            if (place == null) {
                return null;
            }
            byte[] payload = window.payload(place.payload());
            int available = Math.min(payload.length - place.offset(), data.length - at);
            int mismatch = Arrays.mismatch(payload, place.offset(), place.offset() + available, data, at, at + available);
            int matched = mismatch < 0 ? available : mismatch;
            if (matched < Math.min(CHUNK, data.length - at)) {
                return null;
            }
            refs.add(new PayloadRef(place.payload(), place.offset(), matched));
            at += matched;
        }
        return refs;
    }

    /** The indexed place whose piece has the checksum of the piece of {@code data} at {@code offset}, if in the window. */
    private Place candidate(byte[] data, int offset, int remaining) {
        Place place = places.get(key(data, offset, Math.min(CHUNK, remaining)));
        return place == null || window.payload(place.payload()) == null ? null : place;
    }

    /** The index key of a piece: its CRC32C and its length. */
    private long key(byte[] data, int offset, int length) {
        crc.reset();
        crc.update(data, offset, length);
        return crc.getValue() | ((long) length << 32);
    }

    /**
     * Drops the keys of a payload that left the window, unless a newer payload took them over, and
     * gives its array back to the buffers if it came from them.
     */
    private void forget(long number, byte[] payload) {
        Stored gone = stored.removeFirst();
        for (long key : gone.keys()) {
            Place place = places.get(key);
            if (place != null && place.payload() == number) {
                places.remove(key);
            }
        }
        if (gone.recycled()) {
            buffers.give(payload);
        }
    }
}
