package dev.vblk.fake.blk;

import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.platform.LittleEndian;
import dev.vblk.virtio.queue.chain.ChainDecoder;
import dev.vblk.virtio.queue.chain.GuestMemoryReader;
import dev.vblk.virtio.queue.chain.MalformedChainException;

/**
 * The device side of one virtqueue: the registers the driver set and, for a split ring (VirtIO 1.1
 * section 2.6), the device's ring positions, ring access by DMA, and descriptor chains decoded by
 * the shared {@link ChainDecoder}. A packed ring over the same registers is {@link #packed()}.
 */
final class DeviceVirtqueue {

    private static final int DESC_SIZE = 16;

    private final DeviceContext context;
    private final GuestMemoryReader ram;

    int num;
    boolean ready;
    long desc;
    long driver;
    long device;
    int lastAvail;
    int usedIdx;
    private final PackedRing packed;

    DeviceVirtqueue(DeviceContext context) {
        this.context = context;
        this.ram = new GuestMemoryReader() {
            @Override
            public byte[] read(long address, int length) {
                byte[] bytes = new byte[length];
                context.dmaRead(address, bytes, 0, length);
                return bytes;
            }

            @Override
            public boolean contains(long address, long length) {
                return context.inRam(address, length);
            }
        };
        this.packed = new PackedRing(this, context, ram);
    }

    /** The packed ring's device side over these registers (VIRTIO_F_RING_PACKED). */
    PackedRing packed() {
        return packed;
    }

    void reset(int defaultNum) {
        num = defaultNum;
        ready = false;
        desc = 0;
        driver = 0;
        device = 0;
        lastAvail = 0;
        usedIdx = 0;
        packed.reset();
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
     * Decodes the chain from {@code head} with the shared decoder: indices inside the table, no
     * loops, buffers non-empty and inside RAM, readable buffers before writable ones, an indirect
     * table only when {@code indirectAllowed}.
     */
    Chain walk(int head, boolean indirectAllowed) {
        try {
            return Chain.of(new ChainDecoder(ram, desc, num, indirectAllowed).decode(head));
        } catch (MalformedChainException e) {
            throw new MalformedQueueException(e.address(), e.getMessage());
        }
    }

    void requireRam(long address, long length, String what) {
        if (!context.inRam(address, length)) {
            throw new MalformedQueueException(address, String.format(
                    "%s at 0x%x (%d bytes) is outside guest RAM", what, address, length));
        }
    }

    int u16(long address) {
        byte[] bytes = new byte[2];
        context.dmaRead(address, bytes, 0, 2);
        return (int) LittleEndian.get(bytes, 0, 2);
    }

    long u32(long address) {
        byte[] bytes = new byte[4];
        context.dmaRead(address, bytes, 0, 4);
        return LittleEndian.get(bytes, 0, 4);
    }

    private void write(long address, long value, int size) {
        context.dmaWrite(address, LittleEndian.bytes(value, size), 0, size);
    }
}
