package dev.vblk.fake.mmio;

import dev.vblk.fake.violation.ViolationKind;

/** What the fake machine gives a device it attaches: its place, DMA to guest RAM, violations, time, read watches. */
public interface DeviceContext {

    /** Physical address of the device's register window. */
    long baseAddress();

    /** Whether {@code [address, address + length)} lies in guest RAM. */
    boolean inRam(long address, long length);

    /** DMA read from guest RAM; the range must be {@link #inRam in RAM}. */
    void dmaRead(long address, byte[] destination, int offset, int length);

    /** DMA write to guest RAM; the range must be {@link #inRam in RAM}. */
    void dmaWrite(long address, byte[] source, int offset, int length);

    /**
     * Whether the driver has mapped all of {@code [address, address + length)} for device DMA: the
     * only memory a device that negotiated VIRTIO_F_ACCESS_PLATFORM may reach.
     */
    boolean mapped(long address, long length);

    /** Records a violation on the machine's log. */
    void violation(ViolationKind kind, long address, String detail);

    /** The machine's virtual time, without advancing it. */
    long now();

    /**
     * Runs {@code action} once, right after the driver's next read of guest memory overlapping
     * {@code [address, address + length)}: a device that changes memory under the driver's reads.
     */
    void afterDriverRead(long address, long length, Runnable action);
}
