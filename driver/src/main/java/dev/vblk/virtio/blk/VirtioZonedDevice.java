package dev.vblk.virtio.blk;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.BlockingBlockDevice;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestType;
import dev.vblk.block.ZoneDescriptor;
import dev.vblk.block.ZoneState;
import dev.vblk.block.ZoneType;
import dev.vblk.block.ZonedBlockDevice;
import dev.vblk.block.ZonedCharacteristics;
import dev.vblk.platform.LittleEndian;
import dev.vblk.virtio.spec.BlkRequestFormat;
import dev.vblk.virtio.spec.ZoneFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * The zone commands of a {@link VirtioBlkDevice} that negotiated VIRTIO_BLK_F_ZONED with a
 * host-managed or host-aware model, sent on its first queue, each waited for. What the device answers
 * is checked before it is believed: a zone report whose zones do not follow from the requested
 * sector in zone-size steps, lie past the capacity, have a capacity larger than the zone, a type and
 * state that do not go together, or a write pointer outside the zone; a zone append whose
 * append_sector does not place the data inside the zone. Such an answer ends the call with
 * {@link ErrorKind#PROTOCOL_VIOLATION}, which makes the device unusable until it is reset.
 */
final class VirtioZonedDevice implements ZonedBlockDevice {

    private final VirtioBlkDevice device;
    private final VirtioBlkQueue queue;

    VirtioZonedDevice(VirtioBlkDevice device, VirtioBlkQueue queue) {
        this.device = device;
        this.queue = queue;
    }

    @Override
    public ZonedCharacteristics characteristics() {
        return device.info().zoned().orElseThrow(() -> new IllegalStateException("the device is not zoned any more"));
    }

    @Override
    public List<ZoneDescriptor> reportZones(long sector, int maxZones) {
        byte[] report = new byte[queue.reportBytes(maxZones)];
        BlockingBlockDevice.await(queue, queue.submitZoneReport(sector, maxZones, report));
        return checked(sector, report);
    }

    @Override
    public void openZone(long zoneStart) {
        manage(RequestType.ZONE_OPEN, BlkRequestFormat.T_ZONE_OPEN, zoneStart);
    }

    @Override
    public void closeZone(long zoneStart) {
        manage(RequestType.ZONE_CLOSE, BlkRequestFormat.T_ZONE_CLOSE, zoneStart);
    }

    @Override
    public void finishZone(long zoneStart) {
        manage(RequestType.ZONE_FINISH, BlkRequestFormat.T_ZONE_FINISH, zoneStart);
    }

    @Override
    public void resetZone(long zoneStart) {
        manage(RequestType.ZONE_RESET, BlkRequestFormat.T_ZONE_RESET, zoneStart);
    }

    @Override
    public void resetAllZones() {
        manage(RequestType.ZONE_RESET_ALL, BlkRequestFormat.T_ZONE_RESET_ALL, 0);
    }

    @Override
    public long zoneAppend(long zoneStart, byte[] data) {
        byte[] appendSector = new byte[BlkRequestFormat.APPEND_SECTOR_BYTES];
        BlockingBlockDevice.await(queue, queue.submitZoneAppend(zoneStart, data, appendSector));
        long written = LittleEndian.get(appendSector, 0, BlkRequestFormat.APPEND_SECTOR_BYTES);
        long sectors = data.length / BlockDevice.SECTOR_SIZE;
        long zoneEnd = Math.min(zoneStart + characteristics().zoneSectors(), device.info().capacitySectors());
        if (written < zoneStart || written > zoneEnd - sectors) {
            throw violation(RequestType.ZONE_APPEND, zoneStart, "the device says it appended " + sectors
                    + " sectors at sector " + written + ", outside the zone of sectors " + zoneStart + " to " + zoneEnd);
        }
        return written;
    }

    private void manage(RequestType type, int typeCode, long zoneStart) {
        BlockingBlockDevice.await(queue, queue.submitZoneManagement(type, typeCode, zoneStart));
    }

    /** The descriptors of a report the device wrote for {@code sector}, each checked. */
    private List<ZoneDescriptor> checked(long sector, byte[] report) {
        ZonedCharacteristics zones = characteristics();
        long capacity = device.info().capacitySectors();
        long room = (report.length - ZoneFormat.REPORT_HEADER_BYTES) / ZoneFormat.DESCRIPTOR_BYTES;
        long count = ZoneFormat.zoneCount(report);
        if (count < 0 || count > room) {
            throw violation(RequestType.ZONE_REPORT, sector, "the report says it holds " + Long.toUnsignedString(count)
                    + " zones; the buffer has room for " + room);
        }
        List<ZoneDescriptor> descriptors = new ArrayList<>();
        long expectedStart = sector - sector % zones.zoneSectors();
        for (int i = 0; i < count; i++) {
            ZoneDescriptor zone;
            try {
                zone = ZoneFormat.descriptor(report, i);
            } catch (IllegalArgumentException e) {
                throw violation(RequestType.ZONE_REPORT, sector, e.getMessage());
            }
            String wrong = wrong(zone, expectedStart, zones.zoneSectors(), capacity);
            if (wrong != null) {
                throw violation(RequestType.ZONE_REPORT, sector, "zone descriptor " + i + " (" + zone + ") " + wrong);
            }
            descriptors.add(zone);
            expectedStart += zones.zoneSectors();
        }
        return descriptors;
    }

    /** What is wrong with a descriptor that should describe the zone at {@code expectedStart}, or null. */
    private static String wrong(ZoneDescriptor zone, long expectedStart, long zoneSectors, long capacity) {
        long size = Math.min(zoneSectors, capacity - expectedStart);
        if (expectedStart >= capacity) {
            return "lies past the capacity of " + capacity + " sectors";
        }
        if (zone.start() != expectedStart) {
            return "starts at " + zone.start() + "; the zone there starts at " + expectedStart;
        }
        if (zone.capacity() < 0 || zone.capacity() > size) {
            return "has a capacity of " + zone.capacity() + " sectors in a zone of " + size;
        }
        if ((zone.type() == ZoneType.CONVENTIONAL) != (zone.state() == ZoneState.NOT_WRITE_POINTER)) {
            return "pairs type " + zone.type() + " with state " + zone.state();
        }
        if (zone.state().hasWritePointer() && (zone.writePointer() < zone.start()
                || zone.writePointer() > zone.start() + zone.capacity())) {
            return "has its write pointer outside the zone's writable sectors";
        }
        if (zone.state() == ZoneState.EMPTY && zone.writePointer() != zone.start()) {
            return "is empty with its write pointer away from the zone's start";
        }
        return null;
    }

    private BlockDeviceException violation(RequestType type, long sector, String detail) {
        return queue.note(BlockDeviceException.of(ErrorKind.PROTOCOL_VIOLATION, detail).device(device.id())
                .request(type, Math.max(sector, 0), 0).build(), type);
    }
}
