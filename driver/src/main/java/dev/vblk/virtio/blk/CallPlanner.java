package dev.vblk.virtio.blk;

import static dev.vblk.block.BlockDevice.SECTOR_SIZE;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestType;
import dev.vblk.block.ZonedCharacteristics;
import dev.vblk.virtio.spec.BlkRequestFormat;
import dev.vblk.virtio.spec.ZoneFormat;

/**
 * Turns one block call into the virtio-blk requests that carry it, after checking it against the
 * device: whole sectors, a read-only device, the capacity (looking first for a resize the device
 * has signalled, when the options say so) and the feature a command needs. Reads and writes are
 * split at the transfer limit, discards, write-zeroes and secure erases at the device's most sectors
 * per request, each piece with its range segment; zone commands are checked against the zoned
 * characteristics. Refusals are {@link dev.vblk.block.BlockDeviceException}s.
 */
final class CallPlanner {

    private final VirtioBlkDevice device;
    private final DriverOptions options;
    private final ErrorPolicy errors;
    private final InFlightRequests requests;

    CallPlanner(VirtioBlkDevice device, DriverOptions options, ErrorPolicy errors, InFlightRequests requests) {
        this.device = device;
        this.options = options;
        this.errors = errors;
        this.requests = requests;
    }

    /** The sectors in {@code buffer}, which must hold whole sectors. */
    long sectors(RequestType type, long sector, byte[] buffer) {
        if (buffer == null || buffer.length % SECTOR_SIZE != 0) {
            throw errors.error(ErrorKind.INVALID_ARGUMENT, "the buffer must hold whole 512-byte sectors, it has "
                    + (buffer == null ? "no array" : buffer.length + " bytes")).request(type, sector, 0).build();
        }
        return buffer.length / SECTOR_SIZE;
    }

    /** Refuses a buffer for the device's answer (GET_ID, GET_LIFETIME) that does not have {@code bytes} bytes. */
    void checkAnswerBuffer(RequestType type, byte[] buffer, int bytes) {
        if (buffer == null || buffer.length != bytes) {
            String what = type == RequestType.GET_ID ? "identification" : "lifetime";
            throw errors.error(ErrorKind.INVALID_ARGUMENT, "the " + what + " buffer must have " + bytes + " bytes")
                    .request(type).build();
        }
    }

    /** The requests of a read of {@code buffer.length / 512} sectors into {@code buffer}. */
    void read(InFlightRequests.Call call, long sector, byte[] buffer) {
        checkRange(RequestType.READ, sector, buffer.length / SECTOR_SIZE);
        split(call, BlkRequestFormat.T_IN, sector, buffer, true);
    }

    /** The requests of a write of {@code data}. */
    void write(InFlightRequests.Call call, long sector, byte[] data) {
        long sectors = data.length / SECTOR_SIZE;
        checkWritable(RequestType.WRITE, sector, sectors);
        checkRange(RequestType.WRITE, sector, sectors);
        split(call, BlkRequestFormat.T_OUT, sector, data, false);
    }

    /** The request of a flush: none when the device has no FLUSH, whose writes are durable when done. */
    void flush(InFlightRequests.Call call) {
        if (device.state().has(BlkFeatures.FLUSH)) {
            requests.enqueue(new BlkRequest(call, BlkRequestFormat.T_FLUSH, 0, 0, null, 0, 0, false));
        }
    }

    /** The request reading the identification string into {@code buffer}. */
    void getId(InFlightRequests.Call call, byte[] buffer) {
        requests.enqueue(new BlkRequest(call, BlkRequestFormat.T_GET_ID, 0, 0, buffer, 0, AsyncBlockDevice.ID_BYTES, true));
    }

    /** The request reading the wear report into {@code buffer}, when LIFETIME was negotiated. */
    void getLifetime(InFlightRequests.Call call, byte[] buffer) {
        requireFeature(BlkFeatures.LIFETIME, RequestType.GET_LIFETIME, -1, 0);
        requests.enqueue(new BlkRequest(call, BlkRequestFormat.T_GET_LIFETIME, 0, 0, buffer, 0,
                AsyncBlockDevice.LIFETIME_BYTES, true));
    }

    /**
     * The requests of a discard, write-zeroes or secure erase of {@code sectorCount} sectors from
     * {@code sector}, split at the device's most sectors per segment for that command (no limit when
     * the device gives 0 for discard or write-zeroes; a secure erase whose limits are 0 is refused,
     * see {@link VirtioBlkConfig#secureEraseDefect()}).
     *
     * @param typeCode the request type: {@link BlkRequestFormat#T_DISCARD}, {@link BlkRequestFormat#T_WRITE_ZEROES}
     *     or {@link BlkRequestFormat#T_SECURE_ERASE}
     * @param feature the feature the command needs
     */
    void range(InFlightRequests.Call call, RequestType type, int typeCode, int feature, long sector, long sectorCount) {
        requireFeature(feature, type, sector, sectorCount);
        VirtioBlkConfig config = device.config();
        if (type == RequestType.SECURE_ERASE) {
            config.secureEraseDefect().ifPresent(defect -> {
                throw errors.error(ErrorKind.UNSUPPORTED, defect).request(type, sector, sectorCount).build();
            });
        }
        if (sector < 0 || sectorCount < 0) {
            throw errors.error(ErrorKind.INVALID_ARGUMENT, "negative sector or count")
                    .request(type, sector, sectorCount).build();
        }
        checkWritable(type, sector, sectorCount);
        checkRange(type, sector, sectorCount);
        long limit = switch (type) {
            case DISCARD -> config.maxDiscardSectors();
            case SECURE_ERASE -> config.maxSecureEraseSectors();
            default -> config.maxWriteZeroesSectors();
        };
        long perRequest = limit > 0 ? Math.min(limit, 0xffff_ffffL) : 0xffff_ffffL;
        for (long done = 0; done < sectorCount; done += perRequest) {
            long count = Math.min(perRequest, sectorCount - done);
            requests.enqueue(new BlkRequest(call, typeCode, sector + done, count,
                    BlkRequestFormat.rangeSegment(sector + done, count), 0, BlkRequestFormat.RANGE_SEGMENT_BYTES, false));
        }
    }

    /** Bytes of the report buffer for at most {@code maxZones} zones: as many as one request carries. */
    int reportBytes(int maxZones) {
        int fit = (device.maxTransferBytes() - ZoneFormat.REPORT_HEADER_BYTES) / ZoneFormat.DESCRIPTOR_BYTES;
        return ZoneFormat.REPORT_HEADER_BYTES + Math.max(0, Math.min(maxZones, fit)) * ZoneFormat.DESCRIPTOR_BYTES;
    }

    /**
     * The request of a zone report of at most {@code maxZones} zones from the zone holding
     * {@code sector} into {@code buffer} ({@link #reportBytes}).
     */
    void zoneReport(InFlightRequests.Call call, long sector, int maxZones, byte[] buffer) {
        zones(RequestType.ZONE_REPORT, sector);
        if (maxZones < 1) {
            throw errors.error(ErrorKind.INVALID_ARGUMENT, "a zone report asks for at least one zone, not " + maxZones)
                    .request(RequestType.ZONE_REPORT, Math.max(sector, 0), 0).build();
        }
        if (sector < 0 || sector >= device.info().capacitySectors()) {
            throw errors.error(ErrorKind.OUT_OF_RANGE, "the device has " + device.info().capacitySectors() + " sectors")
                    .request(RequestType.ZONE_REPORT, sector, 0).build();
        }
        requests.enqueue(new BlkRequest(call, BlkRequestFormat.T_ZONE_REPORT, sector, 0, buffer, 0, buffer.length, true));
    }

    /**
     * The request of a zone open, close, finish or reset of the zone starting at {@code zoneStart}, or
     * of a reset of every zone ({@link BlkRequestFormat#T_ZONE_RESET_ALL}, {@code zoneStart} unused).
     */
    void zoneManagement(InFlightRequests.Call call, RequestType type, int typeCode, long zoneStart) {
        ZonedCharacteristics zones = zones(type, zoneStart);
        if (typeCode != BlkRequestFormat.T_ZONE_RESET_ALL) {
            checkZoneStart(type, zones, zoneStart);
        }
        requests.enqueue(new BlkRequest(call, typeCode, typeCode == BlkRequestFormat.T_ZONE_RESET_ALL ? 0 : zoneStart, 0,
                null, 0, 0, false));
    }

    /**
     * The request of a zone append of {@code data} to the zone starting at {@code zoneStart}, the
     * device's append_sector to land in {@code appendSector}. The data must be whole sectors, a
     * multiple of write_granularity, at most max_append_sectors and at most what one request carries
     * with the append_sector placed after the data ({@link VirtioBlkDevice#maxAppendBytes()}).
     */
    void zoneAppend(InFlightRequests.Call call, long zoneStart, byte[] data, byte[] appendSector) {
        ZonedCharacteristics zones = zones(RequestType.ZONE_APPEND, zoneStart);
        long sectors = data.length / SECTOR_SIZE;
        if (zones.maxAppendSectors() == 0) {
            throw errors.error(ErrorKind.UNSUPPORTED, "the device takes no zone append (max_append_sectors 0)")
                    .request(RequestType.ZONE_APPEND, zoneStart, sectors).build();
        }
        checkWritable(RequestType.ZONE_APPEND, zoneStart, sectors);
        checkZoneStart(RequestType.ZONE_APPEND, zones, zoneStart);
        long most = Math.min(Math.min(zones.maxAppendSectors(), zones.zoneSectors()), device.maxAppendBytes() / SECTOR_SIZE);
        String wrong = data.length == 0 ? "carries no data"
                : sectors > most ? "carries " + sectors + " sectors; at most " + most + " fit (max_append_sectors "
                        + zones.maxAppendSectors() + ", zone_sectors " + zones.zoneSectors() + ", one request)"
                : zones.writeGranularity() > 0 && data.length % zones.writeGranularity() != 0
                        ? "is not a multiple of the write granularity, " + zones.writeGranularity() + " bytes" : null;
        if (wrong != null) {
            throw errors.error(ErrorKind.INVALID_ARGUMENT, "the zone append " + wrong)
                    .request(RequestType.ZONE_APPEND, zoneStart, sectors).build();
        }
        BlkRequest request = new BlkRequest(call, BlkRequestFormat.T_ZONE_APPEND, zoneStart, sectors, data, 0,
                data.length, false);
        request.appendSector = appendSector;
        requests.enqueue(request);
    }

    /** The zoned characteristics a zone command needs; refused when ZONED was not negotiated or the model is NONE. */
    private ZonedCharacteristics zones(RequestType type, long sector) {
        requireFeature(BlkFeatures.ZONED, type, sector, 0);
        return device.info().zoned().orElseThrow(() -> errors.about(type, sector, 0, ErrorKind.UNSUPPORTED,
                "the device is neither host-managed nor host-aware").build());
    }

    /** Refuses a sector that is not the first of a zone of the device. */
    private void checkZoneStart(RequestType type, ZonedCharacteristics zones, long zoneStart) {
        long capacity = device.info().capacitySectors();
        if (zoneStart < 0 || zoneStart >= capacity) {
            throw errors.about(type, zoneStart, 0, ErrorKind.OUT_OF_RANGE, "the device has " + capacity + " sectors")
                    .build();
        }
        if (zoneStart % zones.zoneSectors() != 0) {
            throw errors.about(type, zoneStart, 0, ErrorKind.INVALID_ARGUMENT, "sector " + zoneStart
                    + " is not the first of a zone (zones have " + zones.zoneSectors() + " sectors)").build();
        }
    }

    /** Refuses a call whose command needs a feature that was not negotiated. */
    private void requireFeature(int feature, RequestType type, long sector, long sectorCount) {
        if (!device.state().has(feature)) {
            throw errors.about(type, sector, sectorCount, ErrorKind.UNSUPPORTED,
                    "the device does not offer " + BlkFeatures.NAMES.get(feature)).build();
        }
    }

    /** Splits a read or write into requests no larger than the transfer limit. */
    private void split(InFlightRequests.Call call, int typeCode, long sector, byte[] buffer, boolean read) {
        int max = device.maxTransferBytes();
        for (int offset = 0; offset < buffer.length; offset += max) {
            int bytes = Math.min(max, buffer.length - offset);
            requests.enqueue(new BlkRequest(call, typeCode, sector + offset / SECTOR_SIZE, bytes / SECTOR_SIZE,
                    buffer, offset, bytes, read));
        }
    }

    /** Refuses a change to a read-only device. */
    private void checkWritable(RequestType type, long sector, long sectors) {
        if (device.info().readOnly()) {
            throw errors.error(ErrorKind.READ_ONLY, "the device is read-only").request(type, sector, sectors).build();
        }
    }

    /**
     * Checks a range against the capacity. When it reaches past it, a configuration change the device
     * has signalled (a resize) is looked for first, if the options say so.
     */
    private void checkRange(RequestType type, long sector, long sectors) {
        if (!inRange(sector, sectors) && options.recheckCapacity()) {
            device.state().refreshIfSignalled();
        }
        if (!inRange(sector, sectors)) {
            throw errors.error(ErrorKind.OUT_OF_RANGE, "the device has " + device.info().capacitySectors() + " sectors")
                    .request(type, sector, sectors).build();
        }
    }

    private boolean inRange(long sector, long sectors) {
        long capacity = device.info().capacitySectors();
        return sector >= 0 && sectors >= 0 && sector <= capacity && sectors <= capacity - sector;
    }
}
