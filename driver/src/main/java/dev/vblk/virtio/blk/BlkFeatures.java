package dev.vblk.virtio.blk;

import dev.vblk.virtio.FeatureBits;
import java.util.Map;

/**
 * virtio-blk feature bits (VirtIO 1.1 section 5.2.3; LIFETIME, SECURE_ERASE and ZONED from VirtIO 1.2, as
 * Linux's {@code include/uapi/linux/virtio_blk.h} numbers them) and the set this driver asks for.
 */
public final class BlkFeatures {

    public static final int SIZE_MAX = 1;
    public static final int SEG_MAX = 2;
    public static final int GEOMETRY = 4;
    public static final int RO = 5;
    public static final int BLK_SIZE = 6;
    public static final int FLUSH = 9;
    public static final int TOPOLOGY = 10;
    public static final int CONFIG_WCE = 11;
    public static final int MQ = 12;
    public static final int DISCARD = 13;
    public static final int WRITE_ZEROES = 14;
    /** VIRTIO_BLK_F_LIFETIME: the device answers VIRTIO_BLK_T_GET_LIFETIME. */
    public static final int LIFETIME = 15;
    /** VIRTIO_BLK_F_SECURE_ERASE: the device takes VIRTIO_BLK_T_SECURE_ERASE, limits in the configuration. */
    public static final int SECURE_ERASE = 16;
    /** VIRTIO_BLK_F_ZONED: a zoned block device, its characteristics in the configuration (VirtIO 1.2). */
    public static final int ZONED = 17;

    /** Names of the block bits, for readable feature words. */
    public static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(SIZE_MAX, "SIZE_MAX"),
            Map.entry(SEG_MAX, "SEG_MAX"),
            Map.entry(GEOMETRY, "GEOMETRY"),
            Map.entry(RO, "RO"),
            Map.entry(BLK_SIZE, "BLK_SIZE"),
            Map.entry(FLUSH, "FLUSH"),
            Map.entry(TOPOLOGY, "TOPOLOGY"),
            Map.entry(CONFIG_WCE, "CONFIG_WCE"),
            Map.entry(MQ, "MQ"),
            Map.entry(DISCARD, "DISCARD"),
            Map.entry(WRITE_ZEROES, "WRITE_ZEROES"),
            Map.entry(LIFETIME, "LIFETIME"),
            Map.entry(SECURE_ERASE, "SECURE_ERASE"),
            Map.entry(ZONED, "ZONED"));

    /**
     * What the driver accepts when offered, whatever its options. Left out: GEOMETRY (a hint the driver
     * does not use) and RING_RESET; TOPOLOGY, MQ, INDIRECT_DESC, EVENT_IDX, RING_PACKED, SECURE_ERASE,
     * LIFETIME and ZONED are accepted as {@link DriverOptions} allow.
     */
    public static final long WANTED = FeatureBits.bit(FeatureBits.VERSION_1)
            | FeatureBits.bit(SIZE_MAX)
            | FeatureBits.bit(SEG_MAX)
            | FeatureBits.bit(RO)
            | FeatureBits.bit(BLK_SIZE)
            | FeatureBits.bit(FLUSH)
            | FeatureBits.bit(CONFIG_WCE)
            | FeatureBits.bit(DISCARD)
            | FeatureBits.bit(WRITE_ZEROES);

    private BlkFeatures() {}

    /** A feature word by name, such as {@code SEG_MAX|BLK_SIZE|FLUSH|VERSION_1}. */
    public static String describe(long features) {
        return FeatureBits.describe(features, NAMES);
    }
}
