package dev.vblk.fake.blk;

import static dev.vblk.fake.blk.VirtioBlk.bit;

import dev.vblk.fake.disk.DiskAccessException;
import dev.vblk.fake.disk.DiskBacking;
import dev.vblk.platform.LittleEndian;
import java.nio.charset.StandardCharsets;

/**
 * The block backend: executes a decoded request on the disk as virtio-blk defines it (read,
 * write, flush, GET_ID, discard, write zeroes, and VirtIO 1.2's secure erase, GET_LIFETIME and zone
 * commands, under the rules of its {@link ZonedDisk} when ZONED is negotiated) and tells the status
 * byte and how many bytes it
 * wrote into the driver's buffers. A request outside the capacity, a write to a read-only disk or a
 * failing disk answers IOERR; a type or segment it does not support answers UNSUPP.
 */
final class BlkBackend {

    /** What executing a request gave: its status byte and the data bytes written to the driver. */
    record Result(int status, long dataWritten) {}

    /** Sectors in a byte count by a shift: the client compiler makes a long division a call into the VM. */
    private static final int SECTOR_SHIFT = Integer.numberOfTrailingZeros(VirtioBlk.SECTOR_SIZE);

    private final FakeBlkConfig config;
    private final DiskBacking disk;
    private final GuestDma dma;
    /** The zones of a device configured zoned; null otherwise, or when its zone_sectors is 0 (no zones to keep). */
    private final ZonedDisk zones;

    BlkBackend(FakeBlkConfig config, GuestDma dma) {
        this.config = config;
        this.disk = config.disk();
        this.dma = dma;
        this.zones = config.zoned() == FakeBlkConfig.Zoned.NONE || config.zoned().zoneSectors() == 0 ? null
                : new ZonedDisk(config.zoned(), capacitySectors());
    }

    /** Capacity in 512-byte sectors. */
    long capacitySectors() {
        return disk.sizeBytes() >>> SECTOR_SHIFT;
    }

    /** Changes the disk's capacity. */
    void resize(long sectors) {
        disk.resize(sectors * VirtioBlk.SECTOR_SIZE);
    }

    /**
     * Executes {@code request}, taken with {@code chain}, under the {@code negotiated} features;
     * with {@code writeThrough} every write is flushed at once.
     */
    Result execute(Chain chain, DeviceRequest request, long negotiated, boolean writeThrough) {
        try {
            return switch (request.type()) {
                case VirtioBlk.T_IN -> read(chain, request);
                case VirtioBlk.T_OUT -> write(request, negotiated, writeThrough);
                case VirtioBlk.T_FLUSH -> {
                    disk.flush();
                    yield new Result(VirtioBlk.S_OK, 0);
                }
                case VirtioBlk.T_GET_ID -> getId(chain, request);
                case VirtioBlk.T_GET_LIFETIME -> getLifetime(chain, request, negotiated);
                case VirtioBlk.T_DISCARD, VirtioBlk.T_WRITE_ZEROES, VirtioBlk.T_SECURE_ERASE ->
                        new Result(executeRanges(request, negotiated), 0);
                case VirtioBlk.T_ZONE_APPEND, VirtioBlk.T_ZONE_REPORT, VirtioBlk.T_ZONE_OPEN, VirtioBlk.T_ZONE_CLOSE,
                        VirtioBlk.T_ZONE_FINISH, VirtioBlk.T_ZONE_RESET, VirtioBlk.T_ZONE_RESET_ALL ->
                        zoned(negotiated) ? zoneCommand(chain, request, writeThrough) : new Result(VirtioBlk.S_UNSUPP, 0);
                default -> new Result(VirtioBlk.S_UNSUPP, 0);
            };
        } catch (DiskAccessException e) {
            return ioError();
        }
    }

    private Result read(Chain chain, DeviceRequest request) {
        if (!sectorsOk(request)) {
            return ioError();
        }
        byte[] data = new byte[request.dataLength()];
        disk.read(request.sector() * VirtioBlk.SECTOR_SIZE, data, 0, data.length);
        return new Result(VirtioBlk.S_OK, dma.scatter(chain.writableData(), data));
    }

    private Result write(DeviceRequest request, long negotiated, boolean writeThrough) {
        if (config.readOnly() || !sectorsOk(request)) {
            return ioError();
        }
        if (zoned(negotiated)) {
            int status = zones.write(request.sector(), request.sectorCount());
            if (status != VirtioBlk.S_OK) {
                return new Result(status, 0);
            }
        }
        store(request, writeThrough);
        return new Result(VirtioBlk.S_OK, 0);
    }

    private void store(DeviceRequest request, boolean writeThrough) {
        byte[] data = request.writeData();
        disk.write(request.sector() * VirtioBlk.SECTOR_SIZE, data, 0, data.length);
        if (writeThrough) {
            disk.flush();
        }
    }

    /** Whether the zone rules apply: the device is zoned and the driver negotiated ZONED. */
    private boolean zoned(long negotiated) {
        return zones != null && (negotiated & bit(VirtioBlk.F_ZONED)) != 0;
    }

    /**
     * A zone report, append or management command. An append writes its data where the zone's write
     * pointer was and the le64 sector it chose before the status byte; a reset empties the zone's
     * sectors, which read zeroes afterwards.
     */
    private Result zoneCommand(Chain chain, DeviceRequest request, boolean writeThrough) {
        return switch (request.type()) {
            case VirtioBlk.T_ZONE_REPORT -> {
                if (request.sector() < 0 || request.sector() >= capacitySectors()
                        || request.dataLength() < ZonedDisk.REPORT_HEADER_BYTES) {
                    yield new Result(VirtioBlk.S_ZONE_INVALID_CMD, 0);
                }
                yield new Result(VirtioBlk.S_OK, dma.scatter(chain.writableData(),
                        zones.report(request.sector(), request.dataLength())));
            }
            case VirtioBlk.T_ZONE_APPEND -> {
                if (config.readOnly() || request.dataLength() % VirtioBlk.SECTOR_SIZE != 0) {
                    yield ioError();
                }
                ZonedDisk.Append append = zones.append(request.sector(), request.sectorCount());
                if (append.status() != VirtioBlk.S_OK) {
                    yield new Result(append.status(), 0);
                }
                disk.write(append.sector() * VirtioBlk.SECTOR_SIZE, request.writeData(), 0, request.dataLength());
                if (writeThrough) {
                    disk.flush();
                }
                byte[] answer = new byte[VirtioBlk.APPEND_SECTOR_BYTES];
                LittleEndian.put(answer, 0, 8, append.answered());
                yield new Result(VirtioBlk.S_OK, dma.scatter(chain.writableData(), answer));
            }
            case VirtioBlk.T_ZONE_RESET_ALL -> {
                for (int i = 0; i < zones.zoneCount(); i++) {
                    if (!zones.conventional(i)) {
                        empty(i);
                    }
                }
                zones.resetAll();
                yield new Result(VirtioBlk.S_OK, 0);
            }
            default -> {
                int status = zones.manage(request.type(), request.sector());
                if (status == VirtioBlk.S_OK && request.type() == VirtioBlk.T_ZONE_RESET) {
                    empty(zones.zoneOf(request.sector()));
                }
                yield new Result(status, 0);
            }
        };
    }

    private Result getId(Chain chain, DeviceRequest request) {
        byte[] id = new byte[VirtioBlk.ID_BYTES];
        byte[] text = config.idString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, id, 0, text.length);
        int length = Math.min(VirtioBlk.ID_BYTES, request.dataLength());
        byte[] answer = new byte[length];
        System.arraycopy(id, 0, answer, 0, length);
        return new Result(VirtioBlk.S_OK, dma.scatter(chain.writableData(), answer));
    }

    /**
     * The configured wear report, as much of its 6 bytes as the buffer holds; UNSUPP when LIFETIME
     * was not negotiated.
     */
    private Result getLifetime(Chain chain, DeviceRequest request, long negotiated) {
        if ((negotiated & bit(VirtioBlk.F_LIFETIME)) == 0) {
            return new Result(VirtioBlk.S_UNSUPP, 0);
        }
        byte[] report = new byte[VirtioBlk.LIFETIME_BYTES];
        LittleEndian.put(report, 0, 2, config.lifetime().preEolInfo());
        LittleEndian.put(report, 2, 2, config.lifetime().lifetimeEstimateA());
        LittleEndian.put(report, 4, 2, config.lifetime().lifetimeEstimateB());
        byte[] answer = new byte[Math.min(VirtioBlk.LIFETIME_BYTES, request.dataLength())];
        System.arraycopy(report, 0, answer, 0, answer.length);
        return new Result(VirtioBlk.S_OK, dma.scatter(chain.writableData(), answer));
    }

    /** Discards zone {@code i}'s sectors: a reset zone reads zeroes. */
    private void empty(int i) {
        disk.discard(zones.start(i) * VirtioBlk.SECTOR_SIZE, (zones.end(i) - zones.start(i)) * VirtioBlk.SECTOR_SIZE);
    }

    private static Result ioError() {
        return new Result(VirtioBlk.S_IOERR, 0);
    }

    private boolean sectorsOk(DeviceRequest request) {
        return request.dataLength() % VirtioBlk.SECTOR_SIZE == 0
                && inCapacity(request.sector(), request.sectorCount());
    }

    private boolean inCapacity(long sector, long count) {
        long capacity = capacitySectors();
        return sector >= 0 && count >= 0 && sector <= capacity && count <= capacity - sector;
    }

    /**
     * A discard, write zeroes or secure erase: every range checked against the command's limits, then
     * zeroed. A secure erase is executed as a discard (its flags must be 0), whose sectors this
     * device leaves reading zeroes.
     */
    private int executeRanges(DeviceRequest request, long negotiated) {
        int type = request.type();
        int feature = type == VirtioBlk.T_DISCARD ? VirtioBlk.F_DISCARD
                : type == VirtioBlk.T_SECURE_ERASE ? VirtioBlk.F_SECURE_ERASE : VirtioBlk.F_WRITE_ZEROES;
        if ((negotiated & bit(feature)) == 0) {
            return VirtioBlk.S_UNSUPP;
        }
        long maxSegments;
        long maxSectors;
        long alignment;
        if (type == VirtioBlk.T_DISCARD) {
            maxSegments = config.discard().maxSegments();
            maxSectors = config.discard().maxSectors();
            alignment = config.discard().sectorAlignment();
        } else if (type == VirtioBlk.T_SECURE_ERASE) {
            maxSegments = config.secureErase().maxSegments();
            maxSectors = config.secureErase().maxSectors();
            alignment = config.secureErase().sectorAlignment();
        } else {
            maxSegments = config.writeZeroes().maxSegments();
            maxSectors = config.writeZeroes().maxSectors();
            alignment = 1;
        }
        int allowedFlags = type == VirtioBlk.T_WRITE_ZEROES ? VirtioBlk.WRITE_ZEROES_FLAG_UNMAP : 0;
        if (request.ranges().size() > maxSegments) {
            return VirtioBlk.S_UNSUPP;
        }
        for (DeviceRequest.Range range : request.ranges()) {
            if ((range.flags() & ~allowedFlags) != 0) {
                return VirtioBlk.S_UNSUPP;
            }
            if (config.readOnly() || range.sectorCount() > maxSectors
                    || !inCapacity(range.sector(), range.sectorCount())
                    || (alignment > 1 && (range.sector() % alignment != 0 || range.sectorCount() % alignment != 0))) {
                return VirtioBlk.S_IOERR;
            }
        }
        for (DeviceRequest.Range range : request.ranges()) {
            disk.discard(range.sector() * VirtioBlk.SECTOR_SIZE, range.sectorCount() * VirtioBlk.SECTOR_SIZE);
        }
        return VirtioBlk.S_OK;
    }
}
