package dev.vblk.fake.blk;

import dev.vblk.fake.mmio.DeviceContext;

/**
 * One virtqueue as the device holds it: the registers the driver set (size, ready, the addresses
 * of the descriptor, driver and device areas) and the split and packed ring engines over them,
 * reset together. Which engine serves the queue follows the negotiated VIRTIO_F_RING_PACKED.
 */
final class DeviceVirtqueue {

    private final SplitRing split;
    private final PackedRing packed;
    private int num;
    private boolean ready;
    private long desc;
    private long driver;
    private long device;

    DeviceVirtqueue(GuestDma dma, DeviceContext context) {
        this.split = new SplitRing(this, dma);
        this.packed = new PackedRing(this, dma, context);
    }

    /** The engine of the negotiated ring layout. */
    RingEngine ring(boolean packedRing) {
        return packedRing ? packed : split;
    }

    /** Back to the reset state: not ready, no rings, {@code defaultNum} entries. */
    void reset(int defaultNum) {
        num = defaultNum;
        ready = false;
        desc = 0;
        driver = 0;
        device = 0;
        split.reset();
        packed.reset();
    }

    int num() {
        return num;
    }

    void setNum(int entries) {
        num = entries;
    }

    boolean ready() {
        return ready;
    }

    void setReady(boolean isReady) {
        ready = isReady;
    }

    long desc() {
        return desc;
    }

    long driver() {
        return driver;
    }

    long device() {
        return device;
    }

    /** Sets the address of {@code area}. */
    void setAddress(RingArea area, long address) {
        switch (area) {
            case DESC -> desc = address;
            case DRIVER -> driver = address;
            case DEVICE -> device = address;
        }
    }

    /** The address of {@code area}. */
    long address(RingArea area) {
        return switch (area) {
            case DESC -> desc;
            case DRIVER -> driver;
            case DEVICE -> device;
        };
    }
}
