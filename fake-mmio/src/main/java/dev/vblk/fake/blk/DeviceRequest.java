package dev.vblk.fake.blk;

import dev.vblk.block.RequestType;
import java.util.List;
import java.util.Optional;

/**
 * One virtio-blk request as the fake device decoded it from a well-formed descriptor chain: what a
 * {@link RequestHook} sees before deciding the outcome.
 *
 * @param index the number of requests this device decoded before this one (0 for the first; not
 *     reset by a device reset)
 * @param head the descriptor index at the head of the chain (the used element's normal id)
 * @param type the raw request type from the header
 * @param sector for IN, OUT and others the header's sector; for DISCARD, WRITE_ZEROES and
 *     SECURE_ERASE the first range's sector
 * @param sectorCount IN: writable data bytes / 512; OUT and ZONE_APPEND: readable data bytes / 512; DISCARD,
 *     WRITE_ZEROES and SECURE_ERASE: sum of the ranges' sector counts; otherwise 0
 * @param dataLength the data bytes the request carries (OUT and the range commands: readable bytes
 *     after the header) or has room for (IN, GET_ID, GET_LIFETIME, ZONE_REPORT: writable bytes before the
 *     status byte)
 * @param writeData a copy of the data of an OUT or ZONE_APPEND request, empty for every other type
 * @param ranges the segments of a DISCARD, WRITE_ZEROES or SECURE_ERASE request, empty for every other type
 */
public record DeviceRequest(
        long index,
        int head,
        int type,
        long sector,
        long sectorCount,
        int dataLength,
        byte[] writeData,
        List<Range> ranges) {

    /** One discard / write-zeroes / secure-erase segment: le64 sector, le32 num_sectors, le32 flags. */
    public record Range(long sector, long sectorCount, int flags) {}

    public DeviceRequest {
        ranges = List.copyOf(ranges);
    }

    /** The request type in the driver's vocabulary, or empty for a type virtio-blk does not define. */
    public Optional<RequestType> requestType() {
        return Optional.ofNullable(switch (type) {
            case VirtioBlk.T_IN -> RequestType.READ;
            case VirtioBlk.T_OUT -> RequestType.WRITE;
            case VirtioBlk.T_FLUSH -> RequestType.FLUSH;
            case VirtioBlk.T_GET_ID -> RequestType.GET_ID;
            case VirtioBlk.T_DISCARD -> RequestType.DISCARD;
            case VirtioBlk.T_WRITE_ZEROES -> RequestType.WRITE_ZEROES;
            case VirtioBlk.T_SECURE_ERASE -> RequestType.SECURE_ERASE;
            case VirtioBlk.T_GET_LIFETIME -> RequestType.GET_LIFETIME;
            case VirtioBlk.T_ZONE_REPORT -> RequestType.ZONE_REPORT;
            case VirtioBlk.T_ZONE_OPEN -> RequestType.ZONE_OPEN;
            case VirtioBlk.T_ZONE_CLOSE -> RequestType.ZONE_CLOSE;
            case VirtioBlk.T_ZONE_FINISH -> RequestType.ZONE_FINISH;
            case VirtioBlk.T_ZONE_RESET -> RequestType.ZONE_RESET;
            case VirtioBlk.T_ZONE_RESET_ALL -> RequestType.ZONE_RESET_ALL;
            case VirtioBlk.T_ZONE_APPEND -> RequestType.ZONE_APPEND;
            default -> null;
        });
    }

    @Override
    public String toString() {
        return "DeviceRequest[index=" + index + ", head=" + head + ", type=" + type + ", sector=" + sector
                + ", sectorCount=" + sectorCount + ", dataLength=" + dataLength + ", ranges=" + ranges + "]";
    }
}
