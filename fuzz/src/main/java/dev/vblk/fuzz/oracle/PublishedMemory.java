package dev.vblk.fuzz.oracle;

import dev.vblk.fake.blk.ChainFootprint;
import dev.vblk.fake.blk.MemorySpan;
import dev.vblk.fake.blk.MemoryTarget;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.platform.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The guest memory the driver wrote for the device to read and the device has fetched (descriptor
 * entries, indirect tables, available-ring entries, request headers, a write's data: a chain's
 * {@link ChainFootprint#watched}; the ring's available index and flags, used_event or driver event
 * suppression: its {@link ChainFootprint#driverRingFields}), and the driver's reads of it, which it
 * notes: the device may have rewritten any of it since. Memory leaves the set when the driver writes
 * it again, when a fetched chain hands it to the device to write, and when its frames are freed.
 */
final class PublishedMemory extends ForwardingPlatform {

    /** What a published run of bytes was, for a finding. */
    private record Published(long end, String what) {}

    /** Published runs by first address; they never overlap. */
    private final TreeMap<Long, Published> published = new TreeMap<>();
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
        for (MemoryTarget target : MemoryTarget.values()) {
            for (MemorySpan span : footprint.watched(target)) {
                publish(span, target + " of request #" + request);
            }
        }
        for (MemorySpan span : footprint.driverRingFields()) {
            publish(span, "driver ring fields (available index, flags, used_event or event suppression)");
        }
    }

    private void publish(MemorySpan span, String what) {
        remove(span.address(), span.end());
        published.put(span.address(), new Published(span.end(), what));
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
        Map.Entry<Long, Published> hit = firstOverlap(address, address + length);
        if (hit != null) {
            if (reads.size() < 3) {
                reads.add(String.format("read %d byte(s) at 0x%x, which hold the %s the driver wrote for the device "
                        + "(0x%x..0x%x)", length, address, hit.getValue().what(), hit.getKey(), hit.getValue().end()));
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

    private Map.Entry<Long, Published> firstOverlap(long start, long end) {
        Map.Entry<Long, Published> before = published.floorEntry(start);
        if (before != null && before.getValue().end() > start) {
            return before;
        }
        Map.Entry<Long, Published> after = published.higherEntry(start);
        return after != null && after.getKey() < end ? after : null;
    }

    private void remove(long start, long end) {
        Map.Entry<Long, Published> hit;
        while ((hit = firstOverlap(start, end)) != null) {
            published.remove(hit.getKey());
            Published run = hit.getValue();
            if (hit.getKey() < start) {
                published.put(hit.getKey(), new Published(start, run.what()));
            }
            if (run.end() > end) {
                published.put(end, new Published(run.end(), run.what()));
            }
        }
    }
}
