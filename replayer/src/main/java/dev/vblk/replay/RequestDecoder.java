package dev.vblk.replay;

import dev.vblk.platform.LittleEndian;
import dev.vblk.virtio.queue.chain.ChainSegment;
import dev.vblk.virtio.queue.chain.DecodedChain;
import dev.vblk.virtio.spec.BlkRequestFormat;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The third stage of request reconstruction: reads a virtio-blk request (VirtIO 1.1 section 5.2.6)
 * from a decoded chain in guest memory, laid out as the driver's {@link BlkRequestFormat} says: the header's type and sector, the data an OUT or
 * ZONE_APPEND request carries, the ranges of a DISCARD, WRITE_ZEROES or SECURE_ERASE, the device-writable data buffers and the status
 * byte's address (a ZONE_APPEND's device-writable buffer is its append_sector; a ZONE_REPORT's, the report). A chain too short for a header and a status byte is no request.
 */
final class RequestDecoder {

    private static final int HEADER_SIZE = BlkRequestFormat.HEADER_BYTES;
    private static final int RANGE_SIZE = BlkRequestFormat.RANGE_SEGMENT_BYTES;
    private static final int SECTOR = 512;

    /**
     * What a chain asks.
     *
     * @param head the chain's head descriptor or buffer id
     * @param type the header's request type
     * @param sector the header's sector; for DISCARD and WRITE_ZEROES the first range's
     * @param sectorCount the sectors it covers, as {@link ReconstructedRequest#sectorCount()} counts them
     * @param dataLength data bytes carried or room for them
     * @param writeData the data of an OUT or ZONE_APPEND request, empty otherwise
     * @param ranges the segments of a DISCARD or WRITE_ZEROES request, empty otherwise
     * @param writableData the device-writable data buffers, the status byte left out
     * @param statusAddress where the status byte is
     */
    record Request(int head, int type, long sector, long sectorCount, int dataLength, byte[] writeData,
            List<ReconstructedRequest.Range> ranges, List<ChainSegment> writableData, long statusAddress) {}

    private final GuestMemoryImage memory;

    RequestDecoder(GuestMemoryImage memory) {
        this.memory = memory;
    }

    /** The request {@code chain} holds, if it holds one. */
    Optional<Request> decode(DecodedChain chain) {
        List<ChainSegment> readable = chain.readable();
        List<ChainSegment> writable = chain.writable();
        long readableBytes = ChainSegment.total(readable);
        long writableBytes = ChainSegment.total(writable);
        if (readableBytes < HEADER_SIZE || writableBytes < BlkRequestFormat.STATUS_BYTES || readableBytes > Integer.MAX_VALUE
                || writableBytes > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        byte[] header = gather(ChainSegment.slice(readable, 0, HEADER_SIZE), HEADER_SIZE);
        int type = (int) LittleEndian.get(header, BlkRequestFormat.TYPE_OFFSET, 4);
        long sector = LittleEndian.get(header, BlkRequestFormat.SECTOR_OFFSET, 8);
        int readableData = (int) readableBytes - HEADER_SIZE;
        int writableData = (int) writableBytes - BlkRequestFormat.STATUS_BYTES;
        long sectorCount = 0;
        int dataLength = readableData;
        byte[] writeData = new byte[0];
        List<ReconstructedRequest.Range> ranges = List.of();
        switch (type) {
            case ReconstructedRequest.T_IN, ReconstructedRequest.T_GET_ID, ReconstructedRequest.T_GET_LIFETIME,
                    ReconstructedRequest.T_ZONE_REPORT -> {
                sectorCount = type == ReconstructedRequest.T_IN ? writableData / SECTOR : 0;
                dataLength = writableData;
            }
            case ReconstructedRequest.T_OUT, ReconstructedRequest.T_ZONE_APPEND -> {
                sectorCount = readableData / SECTOR;
                writeData = gather(ChainSegment.slice(readable, HEADER_SIZE, readableBytes), readableData);
            }
            case ReconstructedRequest.T_DISCARD, ReconstructedRequest.T_WRITE_ZEROES, ReconstructedRequest.T_SECURE_ERASE -> {
                if (readableData < RANGE_SIZE) {
                    return Optional.empty();
                }
                ranges = ranges(gather(ChainSegment.slice(readable, HEADER_SIZE, readableBytes), readableData));
                sector = ranges.get(0).sector();
                sectorCount = ranges.stream().mapToLong(ReconstructedRequest.Range::sectorCount).sum();
            }
            default -> { }
        }
        return Optional.of(new Request(chain.head(), type, sector, sectorCount, dataLength, writeData, ranges,
                ChainSegment.slice(writable, 0, writableData),
                ChainSegment.slice(writable, writableData, writableBytes).get(0).address()));
    }

    private static List<ReconstructedRequest.Range> ranges(byte[] raw) {
        List<ReconstructedRequest.Range> ranges = new ArrayList<>();
        for (int at = 0; at + RANGE_SIZE <= raw.length; at += RANGE_SIZE) {
            ranges.add(new ReconstructedRequest.Range(LittleEndian.get(raw, at + BlkRequestFormat.RANGE_SECTOR_OFFSET, 8),
                    LittleEndian.get(raw, at + BlkRequestFormat.RANGE_COUNT_OFFSET, 4), (int) LittleEndian.get(raw, at + 12, 4)));
        }
        return ranges;
    }

    private byte[] gather(List<ChainSegment> runs, int length) {
        byte[] out = new byte[length];
        int done = 0;
        for (Iterator<ChainSegment> it = runs.iterator(); it.hasNext() && done < length; ) {
            ChainSegment run = it.next();
            int part = (int) Math.min(run.length(), length - done);
            System.arraycopy(memory.read(run.address(), part), 0, out, done, part);
            done += part;
        }
        return out;
    }
}
