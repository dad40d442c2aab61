package dev.vblk.virtio.blk;

import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.VirtioTransport;
import dev.vblk.block.ZonedCharacteristics;
import dev.vblk.block.ZonedModel;
import dev.vblk.virtio.spec.ZoneFormat;
import java.util.Optional;

/**
 * The fields of the virtio-blk configuration space (VirtIO 1.1 section 5.2.4) that the driver uses,
 * read under the negotiated features. A field whose feature was not negotiated reads as 0.
 *
 * @param capacity capacity in 512-byte sectors
 * @param sizeMax largest size of one data segment in bytes (SIZE_MAX), 0 if none
 * @param segMax most data segments in one request (SEG_MAX), 0 if none
 * @param blkSize logical block size in bytes (BLK_SIZE), 0 if none
 * @param physicalBlockExp log2 of the logical blocks per physical block (TOPOLOGY), as the device gives it
 * @param alignmentOffset the first logical block aligned to a physical block (TOPOLOGY)
 * @param minIoSize the suggested smallest I/O in logical blocks (TOPOLOGY), 0 if none
 * @param optIoSize the optimal I/O size in logical blocks (TOPOLOGY), 0 if none
 * @param writeback 1 when the cache is in writeback mode (CONFIG_WCE)
 * @param maxDiscardSectors most sectors in one discard segment (DISCARD)
 * @param maxWriteZeroesSectors most sectors in one write-zeroes segment (WRITE_ZEROES)
 * @param maxSecureEraseSectors most sectors in one secure-erase segment (SECURE_ERASE, VirtIO 1.2)
 * @param maxSecureEraseSegments most segments in one secure-erase request (SECURE_ERASE)
 * @param secureEraseSectorAlignment the sectors secure-erase ranges should be aligned to (SECURE_ERASE)
 * @param zoneSectors zone_sectors (ZONED, VirtIO 1.2; the rest of struct virtio_blk_zoned_characteristics follows)
 * @param maxOpenZones max_open_zones (ZONED)
 * @param maxActiveZones max_active_zones (ZONED)
 * @param maxAppendSectors max_append_sectors (ZONED)
 * @param writeGranularity write_granularity in bytes (ZONED)
 * @param zonedModel the model code (ZONED; {@link ZoneFormat#Z_NONE} when not negotiated)
 */
public record VirtioBlkConfig(
        long capacity,
        long sizeMax,
        long segMax,
        long blkSize,
        int physicalBlockExp,
        int alignmentOffset,
        int minIoSize,
        long optIoSize,
        int writeback,
        long maxDiscardSectors,
        long maxWriteZeroesSectors,
        long maxSecureEraseSectors,
        long maxSecureEraseSegments,
        long secureEraseSectorAlignment,
        long zoneSectors,
        long maxOpenZones,
        long maxActiveZones,
        long maxAppendSectors,
        long writeGranularity,
        int zonedModel) {

    public static final int CAPACITY = 0;
    public static final int SIZE_MAX = 8;
    public static final int SEG_MAX = 12;
    public static final int BLK_SIZE = 20;
    /** The topology fields (TOPOLOGY): physical_block_exp and alignment_offset (u8), min_io_size (le16), opt_io_size (le32). */
    public static final int PHYSICAL_BLOCK_EXP = 24;
    public static final int ALIGNMENT_OFFSET = 25;
    public static final int MIN_IO_SIZE = 26;
    public static final int OPT_IO_SIZE = 28;
    public static final int WRITEBACK = 32;
    /** The number of request queues (MQ), a 16-bit field. */
    public static final int NUM_QUEUES = 34;
    public static final int MAX_DISCARD_SECTORS = 36;
    public static final int MAX_WRITE_ZEROES_SECTORS = 48;
    /** The secure-erase fields (SECURE_ERASE), le32 each, after write_zeroes_may_unmap and three unused bytes. */
    public static final int MAX_SECURE_ERASE_SECTORS = 60;
    public static final int MAX_SECURE_ERASE_SEG = 64;
    public static final int SECURE_ERASE_SECTOR_ALIGNMENT = 68;
    /** The zoned characteristics (ZONED), le32 each but the u8 model, after the secure-erase fields. */
    public static final int ZONE_SECTORS = 72;
    public static final int MAX_OPEN_ZONES = 76;
    public static final int MAX_ACTIVE_ZONES = 80;
    public static final int MAX_APPEND_SECTORS = 84;
    public static final int WRITE_GRANULARITY = 88;
    public static final int ZONED_MODEL = 92;

    /** Reads the configuration consistently (under the ConfigGeneration loop). */
    public static VirtioBlkConfig read(VirtioTransport transport, long features) {
        boolean topology = FeatureBits.has(features, BlkFeatures.TOPOLOGY);
        boolean secureErase = FeatureBits.has(features, BlkFeatures.SECURE_ERASE);
        boolean zoned = FeatureBits.has(features, BlkFeatures.ZONED);
        return transport.readConfig(() -> new VirtioBlkConfig(
                transport.configU64(CAPACITY),
                FeatureBits.has(features, BlkFeatures.SIZE_MAX) ? transport.configU32(SIZE_MAX) : 0,
                FeatureBits.has(features, BlkFeatures.SEG_MAX) ? transport.configU32(SEG_MAX) : 0,
                FeatureBits.has(features, BlkFeatures.BLK_SIZE) ? transport.configU32(BLK_SIZE) : 0,
                topology ? transport.configU8(PHYSICAL_BLOCK_EXP) : 0,
                topology ? transport.configU8(ALIGNMENT_OFFSET) : 0,
                topology ? transport.configU16(MIN_IO_SIZE) : 0,
                topology ? transport.configU32(OPT_IO_SIZE) : 0,
                FeatureBits.has(features, BlkFeatures.CONFIG_WCE) ? transport.configU8(WRITEBACK) : 0,
                FeatureBits.has(features, BlkFeatures.DISCARD) ? transport.configU32(MAX_DISCARD_SECTORS) : 0,
                FeatureBits.has(features, BlkFeatures.WRITE_ZEROES) ? transport.configU32(MAX_WRITE_ZEROES_SECTORS) : 0,
                secureErase ? transport.configU32(MAX_SECURE_ERASE_SECTORS) : 0,
                secureErase ? transport.configU32(MAX_SECURE_ERASE_SEG) : 0,
                secureErase ? transport.configU32(SECURE_ERASE_SECTOR_ALIGNMENT) : 0,
                zoned ? transport.configU32(ZONE_SECTORS) : 0,
                zoned ? transport.configU32(MAX_OPEN_ZONES) : 0,
                zoned ? transport.configU32(MAX_ACTIVE_ZONES) : 0,
                zoned ? transport.configU32(MAX_APPEND_SECTORS) : 0,
                zoned ? transport.configU32(WRITE_GRANULARITY) : 0,
                zoned ? transport.configU8(ZONED_MODEL) : ZoneFormat.Z_NONE));
    }

    /**
     * Why secure erase cannot be used although negotiated, if it cannot. With a max_secure_erase_sectors
     * or max_secure_erase_seg of 0 no secure-erase request fits, and an alignment of 0 names no
     * granularity: Linux's virtio_blk refuses such a device outright ("can't be 0"). This driver keeps
     * the device for everything else and refuses secure erase alone, naming the first field that is 0.
     */
    public Optional<String> secureEraseDefect() {
        String zero = maxSecureEraseSectors == 0 ? "max_secure_erase_sectors"
                : maxSecureEraseSegments == 0 ? "max_secure_erase_seg"
                : secureEraseSectorAlignment == 0 ? "secure_erase_sector_alignment" : null;
        return zero == null ? Optional.empty()
                : Optional.of("the device offers SECURE_ERASE with " + zero + " 0, so no secure erase can be sent");
    }

    /**
     * The zoned characteristics of a host-managed or host-aware device, or empty when ZONED was not
     * negotiated or the model is VIRTIO_BLK_Z_NONE (the device is then used as any other, as the
     * specification says).
     *
     * @throws IllegalArgumentException naming the field when the model is not one the specification
     *     defines, or a host-managed or host-aware device gives a zone_sectors of 0
     */
    public Optional<ZonedCharacteristics> zoned() {
        ZonedModel model = ZoneFormat.model(zonedModel).orElseThrow(() -> new IllegalArgumentException(
                "the device offers ZONED with the undefined model " + zonedModel));
        if (model == ZonedModel.NONE) {
            return Optional.empty();
        }
        if (zoneSectors == 0) {
            throw new IllegalArgumentException("the device offers a zoned model with zone_sectors 0");
        }
        return Optional.of(new ZonedCharacteristics(model, zoneSectors, maxOpenZones, maxActiveZones, maxAppendSectors,
                writeGranularity));
    }
}
