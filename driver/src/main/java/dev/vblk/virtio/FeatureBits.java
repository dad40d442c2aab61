package dev.vblk.virtio;

import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Feature bits shared by every virtio device type (VirtIO 1.1 section 6), and a readable form of a
 * feature word given the device type's own bit names.
 */
public final class FeatureBits {

    public static final int INDIRECT_DESC = 28;
    public static final int EVENT_IDX = 29;
    public static final int VERSION_1 = 32;
    public static final int ACCESS_PLATFORM = 33;
    public static final int RING_PACKED = 34;
    public static final int IN_ORDER = 35;
    public static final int ORDER_PLATFORM = 36;
    public static final int SR_IOV = 37;
    public static final int NOTIFICATION_DATA = 38;
    public static final int RING_RESET = 40;

    private static final Map<Integer, String> TRANSPORT_NAMES = Map.of(
            INDIRECT_DESC, "INDIRECT_DESC",
            EVENT_IDX, "EVENT_IDX",
            VERSION_1, "VERSION_1",
            ACCESS_PLATFORM, "ACCESS_PLATFORM",
            RING_PACKED, "RING_PACKED",
            IN_ORDER, "IN_ORDER",
            ORDER_PLATFORM, "ORDER_PLATFORM",
            SR_IOV, "SR_IOV",
            NOTIFICATION_DATA, "NOTIFICATION_DATA",
            RING_RESET, "RING_RESET");

    private FeatureBits() {}

    /** The word with only {@code bit} set. */
    public static long bit(int bit) {
        return 1L << bit;
    }

    /** Whether {@code bit} is set in {@code features}. */
    public static boolean has(long features, int bit) {
        return (features & bit(bit)) != 0;
    }

    /**
     * Names the set bits, device-specific names first, such as {@code FLUSH|VERSION_1|bit41}.
     *
     * @param deviceNames names of the device type's bits (0 to 23), keyed by bit number
     */
    public static String describe(long features, Map<Integer, String> deviceNames) {
        if (features == 0) {
            return "none";
        }
        Map<Integer, String> names = new TreeMap<>(TRANSPORT_NAMES);
        names.putAll(deviceNames);
        StringJoiner text = new StringJoiner("|");
        for (int bit = 0; bit < 64; bit++) {
            if (has(features, bit)) {
                text.add(names.getOrDefault(bit, "bit" + bit));
            }
        }
        return text.toString();
    }
}
