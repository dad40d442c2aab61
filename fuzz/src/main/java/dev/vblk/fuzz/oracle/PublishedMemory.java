package dev.vblk.fuzz.oracle;

import dev.vblk.fake.blk.ChainFootprint;
import dev.vblk.fake.blk.MemorySpan;
import dev.vblk.fake.blk.MemoryTarget;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.platform.Platform;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The guest memory the driver wrote for the device to read and the device has fetched (descriptor
 * entries, indirect tables, available-ring entries, request headers, a write's data: a chain's
 * {@link ChainFootprint#watched}; the ring's available index and flags, used_event or driver event
 * suppression: its {@link ChainFootprint#driverRingFields}), and the driver's reads of it, which it
 * notes: the device may have rewritten any of it since. Memory leaves the set when the driver writes
 * it again, when a fetched chain hands it to the device to write, and when its frames are freed.
 */
final class PublishedMemory extends ForwardingPlatform {

    private static final MemoryTarget[] TARGETS = MemoryTarget.values();
    private static final String RING_FIELDS =
            "driver ring fields (available index, flags, used_event or event suppression)";

    /*
     * Published runs, sorted by first address, which is unique; they never overlap. Run i is
     * [starts[i], ends[i]) and holds target[i] of request #requests[i], or the driver ring fields where
     * target[i] is null: described only for a finding. A few dozen runs at most, so sorted arrays
     * searched by halves cost less than a tree of boxed addresses.
     */
    private long[] starts = new long[16];
    private long[] ends = new long[16];
    private MemoryTarget[] targets = new MemoryTarget[16];
    private long[] requests = new long[16];
    private int count;
    private final List<String> reads = new ArrayList<>();
    private long readCount;

    PublishedMemory(Platform inner) {
        super(inner);
    }

    /** The device fetched request {@code request}'s chain, which occupies {@code footprint}. */
    void fetched(long request, ChainFootprint footprint) {
        for (MemorySpan span : footprint.deviceWritable()) {
            remove(span.address(), span.end());
        }
        for (MemoryTarget target : TARGETS) {
            for (MemorySpan span : footprint.watched(target)) {
                publish(span, target, request);
            }
        }
        for (MemorySpan span : footprint.driverRingFields()) {
            publish(span, null, 0);
        }
    }

    private void publish(MemorySpan span, MemoryTarget target, long request) {
        remove(span.address(), span.end());
        put(span.address(), span.end(), target, request);
    }

    /** The driver's reads of published memory noted since the last call, described, and how many there were. */
    Reads takeReads() {
        Reads taken = new Reads(List.copyOf(reads), readCount);
        reads.clear();
        readCount = 0;
        return taken;
    }

    /** Reads of published memory: the first few described, and how many in all. */
    record Reads(List<String> described, long count) {}

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        int hit = firstOverlap(address, address + length);
        if (hit >= 0) {
            if (reads.size() < 3) {
                String what = targets[hit] == null ? RING_FIELDS : targets[hit] + " of request #" + requests[hit];
                reads.add(String.format("read %d byte(s) at 0x%x, which hold the %s the driver wrote for the device "
                        + "(0x%x..0x%x)", length, address, what, starts[hit], ends[hit]));
            }
            readCount++;
        }
        super.readMemory(address, destination, offset, length);
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        remove(address, address + length);
        super.writeMemory(address, source, offset, length);
    }

    @Override
    public void freeFrames(long address, int frameCount) {
        remove(address, address + (long) frameCount * FrameAllocator.FRAME_SIZE);
        super.freeFrames(address, frameCount);
    }

    /** The index of the run that overlaps {@code [start, end)} and begins first, or -1. */
    private int firstOverlap(long start, long end) {
        int before = floor(start);
        if (before >= 0 && ends[before] > start) {
            return before;
        }
        int after = before + 1;
        return after < count && starts[after] < end ? after : -1;
    }

    /** The index of the last run starting at or before {@code address}, or -1. */
    private int floor(long address) {
        int low = 0;
        int high = count - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (starts[middle] <= address) {
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return high;
    }

    private void remove(long start, long end) {
        int hit;
        while ((hit = firstOverlap(start, end)) >= 0) {
            long runStart = starts[hit];
            long runEnd = ends[hit];
            MemoryTarget target = targets[hit];
            long request = requests[hit];
            removeAt(hit);
            if (runStart < start) {
                put(runStart, start, target, request);
            }
            if (runEnd > end) {
                put(end, runEnd, target, request);
            }
        }
    }

    /** Adds the run {@code [start, end)}, replacing a run that starts at {@code start}. */
    private void put(long start, long end, MemoryTarget target, long request) {
        int at = floor(start);
        if (at < 0 || starts[at] != start) {
            at++;
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
                ends = Arrays.copyOf(ends, count * 2);
                targets = Arrays.copyOf(targets, count * 2);
                requests = Arrays.copyOf(requests, count * 2);
            }
            System.arraycopy(starts, at, starts, at + 1, count - at);
            System.arraycopy(ends, at, ends, at + 1, count - at);
            System.arraycopy(targets, at, targets, at + 1, count - at);
            System.arraycopy(requests, at, requests, at + 1, count - at);
            count++;
        }
        starts[at] = start;
        ends[at] = end;
        targets[at] = target;
        requests[at] = request;
    }

    private void removeAt(int at) {
        System.arraycopy(starts, at + 1, starts, at, count - at - 1);
        System.arraycopy(ends, at + 1, ends, at, count - at - 1);
        System.arraycopy(targets, at + 1, targets, at, count - at - 1);
        System.arraycopy(requests, at + 1, requests, at, count - at - 1);
        count--;
        targets[count] = null;
    }
}
