package dev.vblk.fake.pci;

/** A way the fake virtio-blk-pci function's configuration space can be broken on purpose. */
public enum PciFault {
    /** The common configuration capability is left out of the capability list. */
    MISSING_COMMON_CONFIG,
    /** The last capability points back at the first: the list never ends. */
    CAPABILITY_LOOP,
    /** The common configuration capability's cap_len is 8, too short for its fields. */
    SHORT_CAPABILITY,
    /** The common configuration capability names BAR 7, which does not exist. */
    CAPABILITY_BAR_OUT_OF_RANGE,
    /** The common configuration capability's offset and length reach past the end of its BAR. */
    CAPABILITY_OUTSIDE_BAR,
    /** The capabilities pointer points into the standard header. */
    CAPABILITY_POINTER_IN_HEADER,
    /** The BAR answers the sizing write but ignores every address written to it. */
    BAR_DOES_NOT_STICK,
    /** queue_notify_off reads 0x400, which with a multiplier of 4 lies past the 4 KiB notify structure. */
    NOTIFY_OFF_OUTSIDE
}
