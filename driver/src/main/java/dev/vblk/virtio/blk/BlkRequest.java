package dev.vblk.virtio.blk;

import dev.vblk.block.RequestType;
import dev.vblk.virtio.spec.BlkRequestFormat;

/**
 * One virtio-blk request the driver posts: the whole of a submitted call, or one of the pieces a
 * large call is split into. It says what goes into the header and where the data comes from or goes
 * to; while posted it holds a DMA buffer, its queue token and its time and poll budget.
 */
final class BlkRequest {

    final InFlightRequests.Call call;
    /** The header's request type, a {@link BlkRequestFormat} T_ code. */
    final int typeCode;
    final long sector;
    final long sectorCount;
    /** The bytes to send, or the array to receive into ({@link #deviceWrites}); null for none. */
    final byte[] data;
    final int dataOffset;
    final int dataBytes;
    final boolean deviceWrites;
    /**
     * For a ZONE_APPEND, the caller's 8-byte array that receives the le64 append_sector the device
     * writes (placed in the buffer right after the data); null for every other request.
     */
    byte[] appendSector;

    /** The request's place among its call's requests, from 0. */
    int part;
    RequestBuffers.RequestBuffer buffer;
    int token = -1;
    long deadline;
    long postedAtPoll;
    boolean published;

    BlkRequest(InFlightRequests.Call call, int typeCode, long sector, long sectorCount, byte[] data, int dataOffset,
            int dataBytes, boolean deviceWrites) {
        this.call = call;
        this.typeCode = typeCode;
        this.sector = sector;
        this.sectorCount = sectorCount;
        this.data = data;
        this.dataOffset = dataOffset;
        this.dataBytes = dataBytes;
        this.deviceWrites = deviceWrites;
    }

    RequestType type() {
        return call.handle().type();
    }

    /**
     * The sector the header names: the first sector for reads and writes, the zone (or the sector a
     * report starts from) for the zone commands but reset all, 0 for the other types.
     */
    long headerSector() {
        return switch (typeCode) {
            case BlkRequestFormat.T_IN, BlkRequestFormat.T_OUT, BlkRequestFormat.T_ZONE_APPEND, BlkRequestFormat.T_ZONE_REPORT,
                    BlkRequestFormat.T_ZONE_OPEN, BlkRequestFormat.T_ZONE_CLOSE, BlkRequestFormat.T_ZONE_FINISH,
                    BlkRequestFormat.T_ZONE_RESET -> sector;
            default -> 0;
        };
    }

    /** Bytes of the data part of the request's buffer: the data, and after it an append's append_sector. */
    int bufferDataBytes() {
        return appendSector == null ? dataBytes : dataBytes + BlkRequestFormat.APPEND_SECTOR_BYTES;
    }
}
