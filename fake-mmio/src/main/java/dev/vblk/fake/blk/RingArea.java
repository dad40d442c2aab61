package dev.vblk.fake.blk;

/** The three areas of a virtqueue whose guest addresses the driver sets (VirtIO 1.1 section 2.5). */
public enum RingArea {
    /** The descriptor table (split) or descriptor ring (packed): QueueDesc. */
    DESC("QueueDesc"),
    /** The available ring or the driver event suppression structure: QueueDriver. */
    DRIVER("QueueDriver"),
    /** The used ring or the device event suppression structure: QueueDevice. */
    DEVICE("QueueDevice");

    private final String low;
    private final String high;

    RingArea(String registerName) {
        this.low = registerName + "Low";
        this.high = registerName + "High";
    }

    /** The virtio-mmio name of the register half that sets it: {@code QueueDescLow}. */
    String register(boolean high) {
        return high ? this.high : low;
    }
}
