package dev.vblk.block;

/**
 * One zone as a zone report describes it (VirtIO 1.2 struct virtio_blk_zone_descriptor).
 *
 * @param start the zone's first sector
 * @param capacity the sectors of the zone that can be written, at most the zone size
 * @param writePointer where the next write goes; meaningful only when {@link ZoneState#hasWritePointer()}
 * @param type the zone's type
 * @param state the zone's state
 */
public record ZoneDescriptor(long start, long capacity, long writePointer, ZoneType type, ZoneState state) {}
