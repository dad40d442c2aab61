package dev.vblk.virtio;

import java.util.StringJoiner;

/** The bits of the virtio device status field (VirtIO 1.1 section 2.1) and a readable form of them. */
public final class DeviceStatus {

    public static final int ACKNOWLEDGE = 1;
    public static final int DRIVER = 2;
    public static final int DRIVER_OK = 4;
    public static final int FEATURES_OK = 8;
    public static final int DEVICE_NEEDS_RESET = 64;
    public static final int FAILED = 128;

    private static final int[] BITS = {ACKNOWLEDGE, DRIVER, FEATURES_OK, DRIVER_OK, DEVICE_NEEDS_RESET, FAILED};
    private static final String[] NAMES = {"ACKNOWLEDGE", "DRIVER", "FEATURES_OK", "DRIVER_OK", "DEVICE_NEEDS_RESET", "FAILED"};

    private DeviceStatus() {}

    /** The status bits by name, such as {@code ACKNOWLEDGE|DRIVER}; {@code 0} for a reset device. */
    public static String describe(long status) {
        if (status == 0) {
            return "0 (reset)";
        }
        StringJoiner names = new StringJoiner("|");
        long rest = status;
        for (int i = 0; i < BITS.length; i++) {
            if ((status & BITS[i]) != 0) {
                names.add(NAMES[i]);
                rest &= ~BITS[i];
            }
        }
        if (rest != 0) {
            names.add(String.format("0x%x", rest));
        }
        return names.toString();
    }
}
