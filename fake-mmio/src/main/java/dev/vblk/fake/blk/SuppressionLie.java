package dev.vblk.fake.blk;

import java.util.Objects;

/**
 * The device writes {@code value} into a notification suppression field right after it publishes
 * the answer. The fields are 16 bits wide; on a split ring the driver owns the available ring's
 * flags and used_event and the device the used ring's flags and avail_event; on a packed ring the
 * driver owns its event suppression structure and the device the other (flags and event offset).
 *
 * @param value the 16-bit value written
 */
public record SuppressionLie(Field field, int value) implements MemoryLie {

    /** Which field: the driver's or the device's, flags or event index. */
    public enum Field {
        /** Split: the available ring's flags (VIRTQ_AVAIL_F_NO_INTERRUPT). Packed: the driver's event flags. */
        DRIVER_FLAGS,
        /** Split: used_event. Packed: the driver's event offset and wrap counter. */
        DRIVER_EVENT,
        /** Split: the used ring's flags (VIRTQ_USED_F_NO_NOTIFY). Packed: the device's event flags. */
        DEVICE_FLAGS,
        /** Split: avail_event. Packed: the device's event offset and wrap counter. */
        DEVICE_EVENT
    }

    public SuppressionLie {
        Objects.requireNonNull(field, "field");
        if (value < 0 || value > 0xffff) {
            throw new IllegalArgumentException("a suppression field holds 16 bits: " + value);
        }
    }
}
