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

    /** The sector the header names: the first sector for reads and writes, 0 for the other types. */
    long headerSector() {
        return typeCode == BlkRequestFormat.T_IN || typeCode == BlkRequestFormat.T_OUT ? sector : 0;
    }
}
