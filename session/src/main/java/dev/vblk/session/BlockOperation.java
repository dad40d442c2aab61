package dev.vblk.session;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.ZonedBlockDevice;
import dev.vblk.platform.LittleEndian;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.TraceEvent;
import dev.vblk.virtio.spec.ZoneFormat;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One call on a block device, as a workload states it and as a trace's
 * {@link TraceEvent.OperationBegin} records it, so that a replay can issue the same call again.
 *
 * @param kind which call
 * @param device the device's id string, such as {@code virtio-blk@0x0a003e00}
 * @param sector first sector (READ, WRITE, DISCARD, WRITE_ZEROES, SECURE_ERASE, ZONE_REPORT); the zone's
 *     first sector (ZONE_OPEN, ZONE_CLOSE, ZONE_FINISH, ZONE_RESET, ZONE_APPEND)
 * @param sectorCount sectors covered (DISCARD, WRITE_ZEROES, SECURE_ERASE; informative for READ, WRITE and
 *     ZONE_APPEND); the most zones reported (ZONE_REPORT)
 * @param readLength bytes of the read buffer (READ)
 * @param payload the data written (WRITE, ZONE_APPEND), else empty
 */
public record BlockOperation(OperationKind kind, String device, long sector, long sectorCount, int readLength, byte[] payload) {

    public BlockOperation {
        payload = payload.clone();
    }

    /** A read of {@code sectors} sectors. */
    public static BlockOperation read(String device, long sector, int sectors) {
        return new BlockOperation(OperationKind.READ, device, sector, sectors, sectors * BlockDevice.SECTOR_SIZE, new byte[0]);
    }

    /** A write of {@code data}, whole sectors. */
    public static BlockOperation write(String device, long sector, byte[] data) {
        return new BlockOperation(OperationKind.WRITE, device, sector, data.length / BlockDevice.SECTOR_SIZE, 0, data);
    }

    /** A call without arguments: FLUSH, GET_ID, GET_LIFETIME, RESET, or QUEUE_RESET of the queue {@code device} names. */
    public static BlockOperation simple(OperationKind kind, String device) {
        return new BlockOperation(kind, device, 0, 0, 0, new byte[0]);
    }

    /** A DISCARD, WRITE_ZEROES or SECURE_ERASE of a range. */
    public static BlockOperation range(OperationKind kind, String device, long sector, long sectors) {
        return new BlockOperation(kind, device, sector, sectors, 0, new byte[0]);
    }

    /** A ZONE_REPORT of at most {@code maxZones} zones from the one holding {@code sector} on. */
    public static BlockOperation zoneReport(String device, long sector, int maxZones) {
        return new BlockOperation(OperationKind.ZONE_REPORT, device, sector, maxZones, 0, new byte[0]);
    }

    /** A ZONE_OPEN, ZONE_CLOSE, ZONE_FINISH or ZONE_RESET of the zone starting at {@code zoneStart}. */
    public static BlockOperation zone(OperationKind kind, String device, long zoneStart) {
        return new BlockOperation(kind, device, zoneStart, 0, 0, new byte[0]);
    }

    /** A ZONE_APPEND of {@code data} (whole sectors) to the zone starting at {@code zoneStart}. */
    public static BlockOperation zoneAppend(String device, long zoneStart, byte[] data) {
        return new BlockOperation(OperationKind.ZONE_APPEND, device, zoneStart, data.length / BlockDevice.SECTOR_SIZE, 0, data);
    }

    /** The operation a trace recorded. */
    public static BlockOperation of(TraceEvent.OperationBegin begin) {
        return new BlockOperation(begin.kind(), begin.device(), begin.sector(), begin.sectorCount(), begin.readLength(),
                begin.payload());
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /**
     * Issues the call on {@code device}.
     *
     * @return the data the call returned: the bytes read, the id string's bytes, the wear report's six
     *     bytes, or nothing
     * @throws IllegalArgumentException for DISCOVERY and INIT, which are not calls on a device
     */
    public byte[] invoke(BlockDevice target) {
        return invoke(target, null);
    }

    /**
     * Issues the call on {@code target} as {@link #invoke(BlockDevice)} does; a READ reads into
     * {@code readBuffer} when it is {@link #readLength()} bytes long, so that a caller issuing many
     * reads uses one buffer, and into a new buffer otherwise (or when it is null).
     *
     * @return as {@link #invoke(BlockDevice)}; for a READ, {@code readBuffer} when it was used
     */
    public byte[] invoke(BlockDevice target, byte[] readBuffer) {
        switch (kind) {
            case READ: {
                byte[] buffer = readBuffer != null && readBuffer.length == readLength ? readBuffer : new byte[readLength];
                target.readAt(sector, buffer);
                return buffer;
            }
            case WRITE:
                target.writeAt(sector, payload);
                return new byte[0];
            case FLUSH:
                target.flush();
                return new byte[0];
            case DISCARD:
                target.discard(sector, sectorCount);
                return new byte[0];
            case WRITE_ZEROES:
                target.writeZeroes(sector, sectorCount);
                return new byte[0];
            case SECURE_ERASE:
                target.secureErase(sector, sectorCount);
                return new byte[0];
            case GET_ID:
                return target.deviceIdString().getBytes(StandardCharsets.UTF_8);
            case GET_LIFETIME:
                return target.lifetime().toBytes();
            default:
                throw new IllegalArgumentException(kind + " is not a call on a block device");
        }
    }

    /**
     * Issues the zone command on {@code zoned}.
     *
     * @return the data the command returned: a report as the device writes it ({@link ZoneFormat#report}),
     *     the sector an append wrote as le64, or nothing
     * @throws IllegalArgumentException for a kind that is no zone command
     */
    public byte[] invoke(ZonedBlockDevice zoned) {
        switch (kind) {
            case ZONE_REPORT:
                return ZoneFormat.report(zoned.reportZones(sector, (int) sectorCount));
            case ZONE_OPEN:
                zoned.openZone(sector);
                return new byte[0];
            case ZONE_CLOSE:
                zoned.closeZone(sector);
                return new byte[0];
            case ZONE_FINISH:
                zoned.finishZone(sector);
                return new byte[0];
            case ZONE_RESET:
                zoned.resetZone(sector);
                return new byte[0];
            case ZONE_RESET_ALL:
                zoned.resetAllZones();
                return new byte[0];
            case ZONE_APPEND: {
                byte[] written = new byte[Long.BYTES];
                LittleEndian.put(written, 0, Long.BYTES, zoned.zoneAppend(sector, payload));
                return written;
            }
            default:
                throw new IllegalArgumentException(kind + " is not a zone command");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BlockOperation that && kind == that.kind && device.equals(that.device)
                && sector == that.sector && sectorCount == that.sectorCount && readLength == that.readLength
                && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hash(kind, device, sector, sectorCount, readLength) + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return describe(kind, device, sector, sectorCount);
    }

    /**
     * One line for an operation of {@code kind} on {@code device}, such as {@code read virtio-blk@0x0a003e00
     * sector 12, 8 sector(s)} or {@code zone_open virtio-blk@0x0a003e00 zone 256}: what a trace's
     * operation and a workload's step are called in reports.
     */
    public static String describe(OperationKind kind, String device, long sector, long sectorCount) {
        String name = kind.name().toLowerCase(java.util.Locale.ROOT);
        return switch (kind) {
            case READ, WRITE, DISCARD, WRITE_ZEROES, SECURE_ERASE, ZONE_APPEND -> String.format("%s %s sector %d, %d sector(s)",
                    name, device, sector, sectorCount);
            case ZONE_REPORT -> String.format("zone_report %s sector %d, %d zone(s) at most", device, sector, sectorCount);
            case ZONE_OPEN, ZONE_CLOSE, ZONE_FINISH, ZONE_RESET -> String.format("%s %s zone %d", name, device, sector);
            default -> name + " " + device;
        };
    }
}
