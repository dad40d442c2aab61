package dev.vblk.block;

import java.util.List;

/**
 * The zone commands of a zoned block device (VirtIO 1.2 VIRTIO_BLK_F_ZONED, host-managed or
 * host-aware), beside the {@link BlockDevice} calls that read and write it. Zones are named by their
 * first sector. A command the device refuses ends in a {@link BlockDeviceException} whose kind says
 * why: {@link ErrorKind#ZONE_INVALID_COMMAND}, {@link ErrorKind#ZONE_UNALIGNED_WRITE},
 * {@link ErrorKind#ZONE_OPEN_RESOURCE} or {@link ErrorKind#ZONE_ACTIVE_RESOURCE}; a reply that breaks
 * the specification ends in {@link ErrorKind#PROTOCOL_VIOLATION}.
 */
public interface ZonedBlockDevice {

    /** The zoned model and the limits the device gives. */
    ZonedCharacteristics characteristics();

    /**
     * The zones from the one holding {@code sector} on, at most {@code maxZones} of them (and at most
     * as many as one request carries), in the device's order; each descriptor checked against the
     * device's zone size and capacity.
     */
    List<ZoneDescriptor> reportZones(long sector, int maxZones);

    /** Opens the zone starting at {@code zoneStart} explicitly. */
    void openZone(long zoneStart);

    /** Closes the zone starting at {@code zoneStart}. */
    void closeZone(long zoneStart);

    /** Makes the zone starting at {@code zoneStart} full. */
    void finishZone(long zoneStart);

    /** Moves the write pointer of the zone starting at {@code zoneStart} back to its start: the zone is empty. */
    void resetZone(long zoneStart);

    /** Resets every sequential zone of the device. */
    void resetAllZones();

    /**
     * Writes {@code data} (whole sectors) at the write pointer of the zone starting at {@code zoneStart}.
     *
     * @return the first sector the device wrote, checked to lie in that zone with the data
     */
    long zoneAppend(long zoneStart, byte[] data);
}
