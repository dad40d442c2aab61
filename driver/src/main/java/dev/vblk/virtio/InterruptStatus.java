package dev.vblk.virtio;

import java.util.StringJoiner;

/** The bits of the virtio-mmio InterruptStatus register and a readable form of them. */
public final class InterruptStatus {

    /** The device used a buffer in at least one virtqueue. */
    public static final int USED_BUFFER = 1;
    /** The device's configuration changed (or it set DEVICE_NEEDS_RESET). */
    public static final int CONFIG_CHANGE = 2;

    private InterruptStatus() {}

    /** The bits by name, such as {@code USED_BUFFER|CONFIG_CHANGE}. */
    public static String describe(long status) {
        if (status == 0) {
            return "0";
        }
        StringJoiner names = new StringJoiner("|");
        if ((status & USED_BUFFER) != 0) {
            names.add("USED_BUFFER");
        }
        if ((status & CONFIG_CHANGE) != 0) {
            names.add("CONFIG_CHANGE");
        }
        long rest = status & ~(long) (USED_BUFFER | CONFIG_CHANGE);
        if (rest != 0) {
            names.add(String.format("0x%x", rest));
        }
        return names.toString();
    }
}
