package dev.vblk.fake.blk;

/**
 * Numbers of the virtio-blk protocol and the virtio core the fake device speaks (VirtIO 1.1, with
 * VirtIO 1.2's LIFETIME and SECURE_ERASE).
 */
public final class VirtioBlk {

    private VirtioBlk() {}

    /** Virtio device ID of a block device. */
    public static final int DEVICE_ID = 2;

    // Device status bits (section 2.1).
    public static final int STATUS_ACKNOWLEDGE = 1;
    public static final int STATUS_DRIVER = 2;
    public static final int STATUS_DRIVER_OK = 4;
    public static final int STATUS_FEATURES_OK = 8;
    public static final int STATUS_DEVICE_NEEDS_RESET = 0x40;
    public static final int STATUS_FAILED = 0x80;

    // Feature bit numbers (sections 5.2.3 and 6).
    public static final int F_SIZE_MAX = 1;
    public static final int F_SEG_MAX = 2;
    public static final int F_GEOMETRY = 4;
    public static final int F_RO = 5;
    public static final int F_BLK_SIZE = 6;
    public static final int F_FLUSH = 9;
    public static final int F_TOPOLOGY = 10;
    public static final int F_CONFIG_WCE = 11;
    public static final int F_MQ = 12;
    public static final int F_DISCARD = 13;
    public static final int F_WRITE_ZEROES = 14;
    /** VirtIO 1.2: GET_LIFETIME is answered. */
    public static final int F_LIFETIME = 15;
    /** VirtIO 1.2: SECURE_ERASE is taken, with its limits at config offsets 60, 64 and 68. */
    public static final int F_SECURE_ERASE = 16;
    /** VirtIO 1.2: a zoned device, its characteristics at config offsets 72 to 92. */
    public static final int F_ZONED = 17;
    public static final int F_INDIRECT_DESC = 28;
    public static final int F_EVENT_IDX = 29;
    public static final int F_VERSION_1 = 32;
    /** The device reaches only the memory the driver maps for it. */
    public static final int F_ACCESS_PLATFORM = 33;
    public static final int F_RING_PACKED = 34;
    public static final int F_IN_ORDER = 35;
    public static final int F_NOTIFICATION_DATA = 38;
    public static final int F_RING_RESET = 40;

    /** The features QEMU 7.2 offers for a default, writable virtio-blk-device. */
    public static final long QEMU_DEFAULT_FEATURES = 0x0000010130006e54L;

    // Interrupt status bits.
    public static final int INTERRUPT_USED_BUFFER = 1;
    public static final int INTERRUPT_CONFIG_CHANGE = 2;

    // Descriptor flags and ring flags (section 2.6).
    public static final int DESC_F_NEXT = 1;
    public static final int DESC_F_WRITE = 2;
    public static final int DESC_F_INDIRECT = 4;
    public static final int AVAIL_F_NO_INTERRUPT = 1;

    // Request types (section 5.2.6).
    public static final int T_IN = 0;
    public static final int T_OUT = 1;
    public static final int T_FLUSH = 4;
    public static final int T_GET_ID = 8;
    public static final int T_GET_LIFETIME = 10;
    public static final int T_DISCARD = 11;
    public static final int T_WRITE_ZEROES = 13;
    public static final int T_SECURE_ERASE = 14;
    /** VirtIO 1.2 zone commands (ZONED). */
    public static final int T_ZONE_APPEND = 15;
    public static final int T_ZONE_REPORT = 16;
    public static final int T_ZONE_OPEN = 18;
    public static final int T_ZONE_CLOSE = 20;
    public static final int T_ZONE_FINISH = 22;
    public static final int T_ZONE_RESET = 24;
    public static final int T_ZONE_RESET_ALL = 26;

    // Request status bytes.
    public static final int S_OK = 0;
    public static final int S_IOERR = 1;
    public static final int S_UNSUPP = 2;
    /** VirtIO 1.2 zone status codes (ZONED). */
    public static final int S_ZONE_INVALID_CMD = 3;
    public static final int S_ZONE_UNALIGNED_WP = 4;
    public static final int S_ZONE_OPEN_RESOURCE = 5;
    public static final int S_ZONE_ACTIVE_RESOURCE = 6;
    /** Bytes of the append_sector a ZONE_APPEND has the device write before the status byte. */
    public static final int APPEND_SECTOR_BYTES = 8;

    /** Bytes in a request header: le32 type, le32 reserved, le64 sector. */
    public static final int HEADER_SIZE = 16;
    /** Bytes in one discard / write-zeroes segment: le64 sector, le32 num_sectors, le32 flags. */
    public static final int RANGE_SIZE = 16;
    /** Bytes of a GET_ID answer. */
    public static final int ID_BYTES = 20;
    /** Bytes of a GET_LIFETIME answer: le16 pre_eol_info, device_lifetime_est_typ_a, device_lifetime_est_typ_b. */
    public static final int LIFETIME_BYTES = 6;
    /** The addressing unit of requests. */
    public static final int SECTOR_SIZE = 512;
    /** The write-zeroes flag allowing the device to unmap. */
    public static final int WRITE_ZEROES_FLAG_UNMAP = 1;

    /** The bit mask of a feature bit number. */
    public static long bit(int feature) {
        return 1L << feature;
    }
}
