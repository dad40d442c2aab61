package dev.vblk.virtio.blk;

/**
 * How much guest RAM a machine is given so that the driver can set up every device it holds: the rule
 * QEMU's configuration, the fake machine and the replaying machine all size their RAM by.
 */
public final class GuestRam {

    /** Guest RAM comes in whole mebibytes. */
    public static final long MIB = 1L << 20;

    private GuestRam() {
    }

    /**
     * The guest RAM for {@code devices} devices that each take {@code bytesPerDevice} (such as
     * {@link DriverOptions#guestMemoryPerDevice()}): the larger of {@code leastBytes} and what the
     * devices take together, rounded up to whole MiB.
     *
     * @throws IllegalArgumentException if {@code devices} or {@code bytesPerDevice} is negative
     */
    public static long bytes(long leastBytes, long devices, long bytesPerDevice) {
        if (devices < 0 || bytesPerDevice < 0) {
            throw new IllegalArgumentException("devices and their memory are counted from 0, not " + devices + " x "
                    + bytesPerDevice + " bytes");
        }
        long needed = devices * bytesPerDevice;
        return Math.max(leastBytes, (needed + MIB - 1) & -MIB);
    }
}
