package dev.vblk.fake.blk;

import dev.vblk.virtio.queue.chain.ChainSegment;
import dev.vblk.virtio.queue.chain.DecodedChain;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The guest memory one fetched chain occupies, as the device found it: what the driver wrote for the
 * device to read, by {@link MemoryTarget}, and the buffers the device may write. A lying device
 * rewrites the former ({@link DriverMemoryRewriter}); a driver must never read it back, since the
 * device may have changed it ({@link #watched}).
 *
 * @param driverRingFields the queue's fields the driver writes and the device reads for every chain,
 *     which a rewrite leaves alone: the split ring's available flags and index and used_event, the
 *     packed ring's driver event suppression structure
 * @param packed whether the chain came from a packed ring
 */
public record ChainFootprint(Map<MemoryTarget, List<MemorySpan>> driverWritten, List<MemorySpan> deviceWritable,
        List<MemorySpan> driverRingFields, boolean packed) {

    /** Bytes of a packed descriptor before its flags: address, length and buffer id. */
    private static final int PACKED_BODY = 14;
    /** Bytes of a descriptor's address field. */
    private static final int ADDRESS = 8;
    /** Every target, once: {@code values()} makes a new array each time, and a footprint is taken of every chain. */
    private static final MemoryTarget[] TARGETS = MemoryTarget.values();

    public ChainFootprint {
        EnumMap<MemoryTarget, List<MemorySpan>> copy = new EnumMap<>(MemoryTarget.class);
        for (MemoryTarget target : TARGETS) {
            copy.put(target, List.copyOf(driverWritten.getOrDefault(target, List.of())));
        }
        driverWritten = Collections.unmodifiableMap(copy);
        deviceWritable = List.copyOf(deviceWritable);
        driverRingFields = List.copyOf(driverRingFields);
    }

    /**
     * The footprint of {@code chain}, decoded from the descriptor table or ring at {@code table} of
     * {@code size} entries; {@code descriptorReads} are the addresses of the descriptors the decoder
     * read, in order (those inside the table are the chain's own entries, the others its indirect
     * table's), {@code availableSlot} the available-ring entry that named it (none on a packed ring).
     */
    static ChainFootprint of(DecodedChain chain, List<Long> descriptorReads, long table, int size,
            List<MemorySpan> availableSlot, List<MemorySpan> driverRingFields, boolean packed) {
        List<MemorySpan> ring = new ArrayList<>();
        List<MemorySpan> indirect = new ArrayList<>();
        long tableEnd = table + (long) ChainFootprintReader.DESCRIPTOR_SIZE * size;
        for (long at : descriptorReads) {
            if (at >= table && at < tableEnd) {
                ring.add(new MemorySpan(at, packed ? PACKED_BODY : ChainFootprintReader.DESCRIPTOR_SIZE));
            } else {
                indirect.add(new MemorySpan(at, ChainFootprintReader.DESCRIPTOR_SIZE));
            }
        }
        List<ChainSegment> readable = chain.readable();
        long readableBytes = ChainSegment.total(readable);
        Map<MemoryTarget, List<MemorySpan>> written = new EnumMap<>(MemoryTarget.class);
        written.put(MemoryTarget.DESCRIPTORS, ring);
        written.put(MemoryTarget.INDIRECT_TABLE, indirect);
        written.put(MemoryTarget.AVAILABLE_RING, availableSlot);
        written.put(MemoryTarget.HEADER, spans(ChainSegment.slice(readable, 0, Math.min(VirtioBlk.HEADER_SIZE, readableBytes))));
        written.put(MemoryTarget.WRITE_DATA, spans(ChainSegment.slice(readable, VirtioBlk.HEADER_SIZE, readableBytes)));
        return new ChainFootprint(written, spans(chain.writable()), driverRingFields, packed);
    }

    private static List<MemorySpan> spans(List<ChainSegment> segments) {
        MemorySpan[] spans = new MemorySpan[segments.size()];
        for (int i = 0; i < spans.length; i++) {
            spans[i] = new MemorySpan(segments.get(i).address(), segments.get(i).length());
        }
        return List.of(spans);
    }

    /** The memory of {@code target}. */
    public List<MemorySpan> spans(MemoryTarget target) {
        return driverWritten.get(target);
    }

    /**
     * The memory of {@code target} the driver must never read back: all of it, except that of a
     * packed ring's own descriptors only the addresses count (the device writes length, buffer id and
     * flags of the positions it marks used, and the driver reads them there).
     */
    public List<MemorySpan> watched(MemoryTarget target) {
        List<MemorySpan> spans = spans(target);
        if (!packed || target != MemoryTarget.DESCRIPTORS) {
            return spans;
        }
        MemorySpan[] addresses = new MemorySpan[spans.size()];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = new MemorySpan(spans.get(i).address(), ADDRESS);
        }
        return List.of(addresses);
    }
}
