package dev.vblk.fake.blk;

import static dev.vblk.fake.blk.VirtioBlk.bit;

import dev.vblk.fake.disk.DiskAccessException;
import dev.vblk.fake.disk.DiskBacking;
import java.nio.charset.StandardCharsets;

/**
 * The block backend: executes a decoded request on the disk as virtio-blk defines it (read,
 * write, flush, GET_ID, discard, write zeroes) and tells the status byte and how many bytes it
 * wrote into the driver's buffers. A request outside the capacity, a write to a read-only disk or a
 * failing disk answers IOERR; a type or segment it does not support answers UNSUPP.
 */
final class BlkBackend {

    /** What executing a request gave: its status byte and the data bytes written to the driver. */
    record Result(int status, long dataWritten) {}

    private final FakeBlkConfig config;
    private final DiskBacking disk;
    private final GuestDma dma;

    BlkBackend(FakeBlkConfig config, GuestDma dma) {
        this.config = config;
        this.disk = config.disk();
        this.dma = dma;
    }

    /** Capacity in 512-byte sectors. */
    long capacitySectors() {
        return disk.sizeBytes() / VirtioBlk.SECTOR_SIZE;
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
                case VirtioBlk.T_OUT -> write(request, writeThrough);
                case VirtioBlk.T_FLUSH -> {
                    disk.flush();
                    yield new Result(VirtioBlk.S_OK, 0);
                }
                case VirtioBlk.T_GET_ID -> getId(chain, request);
                case VirtioBlk.T_DISCARD, VirtioBlk.T_WRITE_ZEROES -> new Result(executeRanges(request, negotiated), 0);
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

    private Result write(DeviceRequest request, boolean writeThrough) {
        if (config.readOnly() || !sectorsOk(request)) {
            return ioError();
        }
        byte[] data = request.writeData();
        disk.write(request.sector() * VirtioBlk.SECTOR_SIZE, data, 0, data.length);
        if (writeThrough) {
            disk.flush();
        }
        return new Result(VirtioBlk.S_OK, 0);
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

    private int executeRanges(DeviceRequest request, long negotiated) {
        boolean discard = request.type() == VirtioBlk.T_DISCARD;
        if ((negotiated & bit(discard ? VirtioBlk.F_DISCARD : VirtioBlk.F_WRITE_ZEROES)) == 0) {
            return VirtioBlk.S_UNSUPP;
        }
        long maxSegments = discard ? config.discard().maxSegments() : config.writeZeroes().maxSegments();
        long maxSectors = discard ? config.discard().maxSectors() : config.writeZeroes().maxSectors();
        int allowedFlags = discard ? 0 : VirtioBlk.WRITE_ZEROES_FLAG_UNMAP;
        long alignment = discard ? config.discard().sectorAlignment() : 1;
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
