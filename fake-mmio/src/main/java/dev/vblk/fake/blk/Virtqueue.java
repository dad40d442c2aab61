package dev.vblk.fake.blk;

import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.platform.LittleEndian;
import java.util.ArrayList;
import java.util.List;

/**
 * The device side of one split virtqueue (VirtIO 1.1 section 2.6): the registers the driver set,
 * the device's ring positions, ring access by DMA and descriptor-chain walking with the checks
 * QEMU applies before it accepts a chain.
 */
final class Virtqueue {

    private static final int DESC_SIZE = 16;

    private final DeviceContext context;

    int num;
    boolean ready;
    long desc;
    long driver;
    long device;
    int lastAvail;
    int usedIdx;

    Virtqueue(DeviceContext context) {
        this.context = context;
    }

    void reset(int defaultNum) {
        num = defaultNum;
        ready = false;
        desc = 0;
        driver = 0;
        device = 0;
        lastAvail = 0;
        usedIdx = 0;
    }

    /** Throws unless the three ring areas lie in RAM. */
    void checkRings() {
        requireRam(desc, (long) DESC_SIZE * num, "descriptor table");
        requireRam(driver, 6L + 2L * num, "available ring");
        requireRam(device, 6L + 8L * num, "used ring");
    }

    int availFlags() {
        return u16(driver);
    }

    int availIdx() {
        return u16(driver + 2);
    }

    int availEntry(int position) {
        return u16(driver + 4 + 2L * (position % num));
    }

    /** The used_event field (EVENT_IDX). */
    int usedEvent() {
        return u16(driver + 4 + 2L * num);
    }

    /** Writes the avail_event field (EVENT_IDX). */
    void setAvailEvent(int value) {
        write(device + 4 + 8L * num, value, 2);
    }

    /** Writes one used element at the current used index and advances the index (not yet published). */
    void pushUsed(long id, long len) {
        long at = device + 4 + 8L * (usedIdx % num);
        write(at, id, 4);
        write(at + 4, len, 4);
        usedIdx = (usedIdx + 1) & 0xffff;
    }

    /** Advances the used index without writing elements. */
    void skipUsed(int count) {
        usedIdx = (usedIdx + count) & 0xffff;
    }

    /** Makes the used index visible to the driver. */
    void publishUsedIdx() {
        write(device + 2, usedIdx, 2);
    }

    /**
     * Walks the chain from {@code head}: indices inside the table, no loops (at most the table size
     * of descriptors), buffers non-empty and inside RAM, readable buffers before writable ones, an
     * indirect table only at the head and only when {@code indirectAllowed}.
     */
    Chain walk(int head, boolean indirectAllowed) {
        if (head >= num) {
            throw new MalformedQueueException(driver, "available ring names descriptor " + head
                    + " but the queue has " + num);
        }
        List<Segment> readable = new ArrayList<>();
        List<Segment> writable = new ArrayList<>();
        long table = desc;
        int tableSize = num;
        int index = head;
        int seen = 0;
        boolean indirect = false;
        while (true) {
            if (++seen > tableSize) {
                throw new MalformedQueueException(table, "descriptor chain from head " + head
                        + " is longer than its table of " + tableSize + " (a loop)");
            }
            long at = table + (long) DESC_SIZE * index;
            byte[] raw = new byte[DESC_SIZE];
            context.dmaRead(at, raw, 0, DESC_SIZE);
            long address = LittleEndian.get(raw, 0, 8);
            long length = LittleEndian.get(raw, 8, 4);
            int flags = (int) LittleEndian.get(raw, 12, 2);
            int next = (int) LittleEndian.get(raw, 14, 2);
            if ((flags & VirtioBlk.DESC_F_INDIRECT) != 0) {
                if (!indirectAllowed) {
                    throw new MalformedQueueException(at, "indirect descriptor without VIRTIO_F_INDIRECT_DESC");
                }
                if (indirect || seen != 1) {
                    throw new MalformedQueueException(at, "indirect descriptor inside a chain");
                }
                if ((flags & VirtioBlk.DESC_F_NEXT) != 0) {
                    throw new MalformedQueueException(at, "indirect descriptor with NEXT set");
                }
                if (length == 0 || length % DESC_SIZE != 0) {
                    throw new MalformedQueueException(at, "indirect table of " + length + " bytes");
                }
                requireRam(address, length, "indirect descriptor table");
                table = address;
                tableSize = (int) (length / DESC_SIZE);
                index = 0;
                seen = 0;
                indirect = true;
                continue;
            }
            if (length == 0) {
                throw new MalformedQueueException(at, "zero-sized buffer in descriptor " + index);
            }
            requireRam(address, length, "buffer of descriptor " + index);
            if ((flags & VirtioBlk.DESC_F_WRITE) != 0) {
                writable.add(new Segment(address, length));
            } else if (!writable.isEmpty()) {
                throw new MalformedQueueException(at, "device-readable descriptor " + index
                        + " after a device-writable one");
            } else {
                readable.add(new Segment(address, length));
            }
            if ((flags & VirtioBlk.DESC_F_NEXT) == 0) {
                return new Chain(head, readable, writable);
            }
            if (next >= tableSize) {
                throw new MalformedQueueException(at, "descriptor " + index + " chains to " + next
                        + " beyond its table of " + tableSize);
            }
            index = next;
        }
    }

    private void requireRam(long address, long length, String what) {
        if (!context.inRam(address, length)) {
            throw new MalformedQueueException(address, String.format(
                    "%s at 0x%x (%d bytes) is outside guest RAM", what, address, length));
        }
    }

    private int u16(long address) {
        byte[] bytes = new byte[2];
        context.dmaRead(address, bytes, 0, 2);
        return (int) LittleEndian.get(bytes, 0, 2);
    }

    private void write(long address, long value, int size) {
        context.dmaWrite(address, LittleEndian.bytes(value, size), 0, size);
    }
}
