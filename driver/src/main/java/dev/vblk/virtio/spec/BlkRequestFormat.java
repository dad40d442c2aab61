package dev.vblk.virtio.spec;

import dev.vblk.platform.LittleEndian;

/**
 * A virtio-blk request as the device sees it (VirtIO 1.1 section 5.2.6): a device-readable header,
 * the data, and a device-writable status byte. Discard, write-zeroes and secure erase carry range
 * segments as their data; GET_ID and GET_LIFETIME have the device write their answer.
 *
 * <pre>
 *   header          le32 type | le32 reserved | le64 sector            (16 bytes)
 *   range segment   le64 sector | le32 num_sectors | le32 flags         (16 bytes)
 *   status          u8
 * </pre>
 */
public final class BlkRequestFormat {

    /** VIRTIO_BLK_T_IN: a read. */
    public static final int T_IN = 0;
    /** VIRTIO_BLK_T_OUT: a write. */
    public static final int T_OUT = 1;
    /** VIRTIO_BLK_T_FLUSH. */
    public static final int T_FLUSH = 4;
    /** VIRTIO_BLK_T_GET_ID: the identification string. */
    public static final int T_GET_ID = 8;
    /**
     * VIRTIO_BLK_T_GET_LIFETIME (VirtIO 1.2): the device writes struct virtio_blk_lifetime, le16
     * pre_eol_info, le16 device_lifetime_est_typ_a, le16 device_lifetime_est_typ_b
     * ({@link dev.vblk.block.AsyncBlockDevice#LIFETIME_BYTES} bytes).
     */
    public static final int T_GET_LIFETIME = 10;
    /** VIRTIO_BLK_T_DISCARD. */
    public static final int T_DISCARD = 11;
    /** VIRTIO_BLK_T_WRITE_ZEROES. */
    public static final int T_WRITE_ZEROES = 13;
    /** VIRTIO_BLK_T_SECURE_ERASE (VirtIO 1.2): a discard whose data must not be recoverable; range segments as discard's. */
    public static final int T_SECURE_ERASE = 14;
    /**
     * VIRTIO_BLK_T_ZONE_APPEND (VirtIO 1.2, ZONED): a write at the write pointer of the zone whose
     * first sector the header names; the device writes le64 append_sector before the status byte.
     */
    public static final int T_ZONE_APPEND = 15;
    /** VIRTIO_BLK_T_ZONE_REPORT (ZONED): the device writes a zone report from the zone holding the header's sector. */
    public static final int T_ZONE_REPORT = 16;
    /** VIRTIO_BLK_T_ZONE_OPEN (ZONED): explicitly open the zone whose first sector the header names. */
    public static final int T_ZONE_OPEN = 18;
    /** VIRTIO_BLK_T_ZONE_CLOSE (ZONED). */
    public static final int T_ZONE_CLOSE = 20;
    /** VIRTIO_BLK_T_ZONE_FINISH (ZONED). */
    public static final int T_ZONE_FINISH = 22;
    /** VIRTIO_BLK_T_ZONE_RESET (ZONED). */
    public static final int T_ZONE_RESET = 24;
    /** VIRTIO_BLK_T_ZONE_RESET_ALL (ZONED): every sequential zone; the header's sector is 0. */
    public static final int T_ZONE_RESET_ALL = 26;

    /** Bytes of the header. */
    public static final int HEADER_BYTES = 16;
    /** Offset of the header's le32 type. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the header's le64 sector. */
    public static final int SECTOR_OFFSET = 8;

    /** Bytes of the status the device writes. */
    public static final int STATUS_BYTES = 1;
    /** VIRTIO_BLK_S_OK. */
    public static final int S_OK = 0;
    /** VIRTIO_BLK_S_IOERR. */
    public static final int S_IOERR = 1;
    /** VIRTIO_BLK_S_UNSUPP. */
    public static final int S_UNSUPP = 2;
    /** VIRTIO_BLK_S_ZONE_INVALID_CMD (ZONED): a zone command or write the zone's type or state does not allow. */
    public static final int S_ZONE_INVALID_CMD = 3;
    /** VIRTIO_BLK_S_ZONE_UNALIGNED_WP (ZONED): a write to a sequential-write-required zone not at its write pointer. */
    public static final int S_ZONE_UNALIGNED_WP = 4;
    /** VIRTIO_BLK_S_ZONE_OPEN_RESOURCE (ZONED): the request would exceed max_open_zones. */
    public static final int S_ZONE_OPEN_RESOURCE = 5;
    /** VIRTIO_BLK_S_ZONE_ACTIVE_RESOURCE (ZONED): the request would exceed max_active_zones. */
    public static final int S_ZONE_ACTIVE_RESOURCE = 6;
    /** Bytes of the le64 append_sector a ZONE_APPEND request has the device write before the status byte. */
    public static final int APPEND_SECTOR_BYTES = 8;

    /** Bytes of one discard, write-zeroes or secure-erase range segment. */
    public static final int RANGE_SEGMENT_BYTES = 16;
    /** Offset of a range segment's le64 first sector. */
    public static final int RANGE_SECTOR_OFFSET = 0;
    /** Offset of a range segment's le32 sector count. */
    public static final int RANGE_COUNT_OFFSET = 8;

    private BlkRequestFormat() {}

    /** Whether {@code type} is a zone management command without data (open, close, finish, reset, reset all). */
    public static boolean isZoneManagement(int type) {
        return type == T_ZONE_OPEN || type == T_ZONE_CLOSE || type == T_ZONE_FINISH || type == T_ZONE_RESET
                || type == T_ZONE_RESET_ALL;
    }

    /** Writes a header at {@code at}; the reserved field is left as it is. */
    public static void putHeader(byte[] to, int at, int type, long sector) {
        LittleEndian.put(to, at + TYPE_OFFSET, 4, type);
        LittleEndian.put(to, at + SECTOR_OFFSET, 8, sector);
    }

    /** A range segment of {@code count} sectors from {@code sector}, flags 0. */
    public static byte[] rangeSegment(long sector, long count) {
        byte[] segment = new byte[RANGE_SEGMENT_BYTES];
        LittleEndian.put(segment, RANGE_SECTOR_OFFSET, 8, sector);
        LittleEndian.put(segment, RANGE_COUNT_OFFSET, 4, count);
        return segment;
    }
}
