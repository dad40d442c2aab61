package dev.vblk.fake.mmio;

import dev.vblk.platform.AccessWidth;

/** A device behind one slot of the fake virtio-mmio window. */
public interface MmioDevice {

    /** A register or config read at an offset inside the device's 0x200-byte window. */
    long read(int offset, AccessWidth width);

    /** A register or config write at an offset inside the device's 0x200-byte window. */
    void write(int offset, AccessWidth width, long value);

    /** Whether the device's interrupt line is raised (level-triggered). */
    boolean interruptRaised();

    /** The earliest virtual time at which the device has deferred work to do, or Long.MAX_VALUE. */
    long nextDueTime();

    /** Performs every piece of deferred work due at or before {@code now}. */
    void runDue(long now);
}
