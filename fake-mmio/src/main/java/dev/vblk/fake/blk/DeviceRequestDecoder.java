package dev.vblk.fake.blk;

import dev.vblk.platform.LittleEndian;
import dev.vblk.virtio.queue.chain.ChainSegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a virtio-blk request out of a validated chain (VirtIO 1.1 section 5.2.6): the header, the
 * data of a write or zone append, the segments of a discard, write zeroes or secure erase. A chain too short for its request is
 * malformed. Requests are numbered in the order they are decoded, across resets.
 */
final class DeviceRequestDecoder {

    private final GuestDma dma;
    private long decoded;

    DeviceRequestDecoder(GuestDma dma) {
        this.dma = dma;
    }

    /** Requests decoded so far. */
    long decoded() {
        return decoded;
    }

    /**
     * The request {@code chain} carries; {@code table} is the address a malformed chain is reported
     * at (the queue's descriptor area).
     */
    DeviceRequest decode(Chain chain, long table) {
        long readableBytes = ChainSegment.total(chain.readable());
        long writableBytes = ChainSegment.total(chain.writable());
        if (readableBytes < VirtioBlk.HEADER_SIZE) {
            throw new MalformedQueueException(table, "request header of " + readableBytes
                    + " bytes in chain " + chain.head() + "; 16 needed");
        }
        if (writableBytes < 1) {
            throw new MalformedQueueException(table, "chain " + chain.head() + " has no writable status byte");
        }
        if (readableBytes > Integer.MAX_VALUE || writableBytes > Integer.MAX_VALUE) {
            throw new MalformedQueueException(table, "chain " + chain.head() + " carries more than 2 GiB");
        }
        byte[] header = dma.gather(chain.readable(), VirtioBlk.HEADER_SIZE);
        int type = (int) LittleEndian.get(header, 0, 4);
        long sector = LittleEndian.get(header, 8, 8);
        int readableData = (int) readableBytes - VirtioBlk.HEADER_SIZE;
        int writableData = (int) writableBytes - 1;
        long index = decoded++;
        return switch (type) {
            case VirtioBlk.T_IN, VirtioBlk.T_GET_ID, VirtioBlk.T_GET_LIFETIME, VirtioBlk.T_ZONE_REPORT ->
                    new DeviceRequest(index, chain.head(), type, sector, type == VirtioBlk.T_IN ? writableData / VirtioBlk.SECTOR_SIZE : 0, writableData,
                    new byte[0], List.of());
            case VirtioBlk.T_OUT, VirtioBlk.T_ZONE_APPEND -> new DeviceRequest(index, chain.head(), type, sector,
                    readableData / VirtioBlk.SECTOR_SIZE, readableData,
                    dma.gather(chain.readableData(), readableData), List.of());
            case VirtioBlk.T_DISCARD, VirtioBlk.T_WRITE_ZEROES, VirtioBlk.T_SECURE_ERASE ->
                    decodeRanges(chain, table, index, type, readableData);
            default -> new DeviceRequest(index, chain.head(), type, sector, 0, readableData, new byte[0], List.of());
        };
    }

    private DeviceRequest decodeRanges(Chain chain, long table, long index, int type, int readableData) {
        if (readableData < VirtioBlk.RANGE_SIZE) {
            throw new MalformedQueueException(table, "discard/write-zeroes/secure-erase segment of " + readableData
                    + " bytes in chain " + chain.head() + "; 16 needed");
        }
        byte[] raw = dma.gather(chain.readableData(), readableData);
        List<DeviceRequest.Range> ranges = new ArrayList<>();
        long total = 0;
        for (int at = 0; at + VirtioBlk.RANGE_SIZE <= raw.length; at += VirtioBlk.RANGE_SIZE) {
            DeviceRequest.Range range = new DeviceRequest.Range(LittleEndian.get(raw, at, 8),
                    LittleEndian.get(raw, at + 8, 4), (int) LittleEndian.get(raw, at + 12, 4));
            ranges.add(range);
            total += range.sectorCount();
        }
        return new DeviceRequest(index, chain.head(), type, ranges.get(0).sector(), total, readableData,
                new byte[0], ranges);
    }
}
