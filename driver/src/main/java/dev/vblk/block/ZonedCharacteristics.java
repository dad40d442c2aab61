package dev.vblk.block;

/**
 * What a zoned device says of its zones (VirtIO 1.2 struct virtio_blk_zoned_characteristics).
 *
 * @param model how the zones must be written
 * @param zoneSectors sectors of every zone but perhaps the last, which may be smaller
 * @param maxOpenZones most zones open at once (implicitly or explicitly), 0 for no limit
 * @param maxActiveZones most zones open or closed at once, 0 for no limit
 * @param maxAppendSectors most sectors one zone append carries, 0 when the device takes no zone append
 * @param writeGranularity the bytes whose multiple every write to a sequential zone starts at and carries
 */
public record ZonedCharacteristics(ZonedModel model, long zoneSectors, long maxOpenZones, long maxActiveZones,
        long maxAppendSectors, long writeGranularity) {

    /** How many zones a device of {@code capacitySectors} has. */
    public long zoneCount(long capacitySectors) {
        return zoneSectors == 0 ? 0 : (capacitySectors + zoneSectors - 1) / zoneSectors;
    }
}
