package dev.vblk.virtio.blk;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.block.RequestType;
import dev.vblk.platform.PlatformException;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.spec.BlkRequestFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The virtio-blk driver's error policy: which errors make the device unusable until it is reset,
 * how request status bytes and virtio-level failures become {@link BlockDeviceException}s, and the
 * refusal of calls while the device is unusable. The fatal error is the device's, shared by its
 * queues: the first one noted on any queue stays until a reset.
 */
final class ErrorPolicy {

    /** Written to the status byte before a request is posted, so a device that never writes it is caught. */
    static final int STATUS_UNWRITTEN = 0xff;

    private final BlockDeviceId id;
    private final AtomicReference<BlockDeviceException> fatal = new AtomicReference<>();
    /** Whether VIRTIO_BLK_F_ZONED was negotiated, which gives status bytes 3 to 6 a meaning. */
    private volatile boolean zoned;

    ErrorPolicy(BlockDeviceId id) {
        this.id = id;
    }

    /** The error that made the device unusable, if one did. */
    Optional<BlockDeviceException> fatal() {
        return Optional.ofNullable(fatal.get());
    }

    /** Notes whether VIRTIO_BLK_F_ZONED was negotiated: without it the zone status bytes are undefined. */
    void zoned(boolean negotiated) {
        zoned = negotiated;
    }

    /** Forgets the fatal error: the device has been reset. */
    void clear() {
        fatal.set(null);
    }

    /** Makes the device unusable because it was closed: every call fails with ABORTED until a reset. */
    void close() {
        fatal.set(error(ErrorKind.ABORTED, "the device was closed").build());
    }

    /** Whether the device was closed (and not reset since). */
    boolean closed() {
        BlockDeviceException current = fatal.get();
        return current != null && current.kind() == ErrorKind.ABORTED;
    }

    /** Whether an error of this kind leaves the device in an unknown state. */
    static boolean isFatal(ErrorKind kind) {
        switch (kind) {
            case TIMEOUT:
            case DEVICE_NEEDS_RESET:
            case PROTOCOL_VIOLATION:
            case FLUSH_FAILED:
            case PLATFORM_ERROR:
            case FEATURE_NEGOTIATION_FAILED:
                return true;
            default:
                return false;
        }
    }

    /** Refuses a call while the device is unusable. */
    void checkUsable(RequestType type, long sector, long sectors) {
        BlockDeviceException current = fatal.get();
        if (current != null) {
            throw unusable(current).request(type, sector, sectors).build(current);
        }
    }

    /** Refuses a step that is no request (a queue reset) while the device is unusable. */
    void checkUsable() {
        BlockDeviceException current = fatal.get();
        if (current != null) {
            throw unusable(current).build(current);
        }
    }

    private BlockDeviceException.Builder unusable(BlockDeviceException cause) {
        return error(cause.kind(), "the device is unusable until reset, after: ").detailFollowedByCause();
    }

    /**
     * Notes an error a call ended with: the first fatal one (or any error of initialisation) makes the
     * device unusable, and stays the reason until a reset.
     */
    BlockDeviceException note(BlockDeviceException e, RequestType type) {
        if (isFatal(e.kind()) || type == RequestType.INIT) {
            fatal.compareAndSet(null, e);
        }
        return e;
    }

    /**
     * The block error for a failure below the block layer: a virtio-level error keeps its kind, a
     * platform failure is a {@link ErrorKind#PLATFORM_ERROR} about the request (when {@code type} is
     * not null); then {@link #note noted}.
     */
    BlockDeviceException translate(RuntimeException e, RequestType type, long sector, long sectors) {
        if (e instanceof BlockDeviceException blockError) {
            return note(blockError, type);
        }
        if (e instanceof VirtioException virtio) {
            BlockDeviceException.Builder builder = error(ErrorKind.valueOf(virtio.kind().name()), virtio.detail());
            if (type == RequestType.INIT) {
                builder.request(RequestType.INIT);
            }
            return note(builder.build(virtio), type);
        }
        if (e instanceof PlatformException) {
            BlockDeviceException.Builder builder = error(ErrorKind.PLATFORM_ERROR, e.getMessage());
            if (type != null) {
                builder.request(type, sector, sectors);
            }
            return note(builder.build(e), type);
        }
        throw e;
    }

    /** The error a request status byte means, or null for success. */
    BlockDeviceException statusError(int status, RequestType type, long sector, long sectorCount) {
        switch (status) {
            case BlkRequestFormat.S_OK:
                return null;
            case BlkRequestFormat.S_IOERR:
                return error(type == RequestType.FLUSH ? ErrorKind.FLUSH_FAILED : ErrorKind.IO_ERROR,
                        type == RequestType.FLUSH ? "the device could not make written data durable"
                                : "the device reported an I/O error")
                        .request(type, sector, sectorCount).statusByte(status).build();
            case BlkRequestFormat.S_UNSUPP:
                return error(ErrorKind.UNSUPPORTED, "the device does not support this request")
                        .request(type, sector, sectorCount).statusByte(status).build();
            case BlkRequestFormat.S_ZONE_INVALID_CMD:
            case BlkRequestFormat.S_ZONE_UNALIGNED_WP:
            case BlkRequestFormat.S_ZONE_OPEN_RESOURCE:
            case BlkRequestFormat.S_ZONE_ACTIVE_RESOURCE:
                if (zoned) {
                    return zoneStatusError(status).request(type, sector, sectorCount).statusByte(status).build();
                }
                return error(ErrorKind.PROTOCOL_VIOLATION, "the device returned a zone status byte without ZONED negotiated")
                        .request(type, sector, sectorCount).statusByte(status).build();
            case STATUS_UNWRITTEN:
                return error(ErrorKind.PROTOCOL_VIOLATION, "the device completed the request without writing its status byte")
                        .request(type, sector, sectorCount).statusByte(status).build();
            default:
                return error(ErrorKind.PROTOCOL_VIOLATION, "the device returned an undefined status byte")
                        .request(type, sector, sectorCount).statusByte(status).build();
        }
    }

    private BlockDeviceException.Builder zoneStatusError(int status) {
        return switch (status) {
            case BlkRequestFormat.S_ZONE_INVALID_CMD -> error(ErrorKind.ZONE_INVALID_COMMAND,
                    "the device refused the request for the zone's type or state");
            case BlkRequestFormat.S_ZONE_UNALIGNED_WP -> error(ErrorKind.ZONE_UNALIGNED_WRITE,
                    "the write is not at the zone's write pointer or not a multiple of the write granularity");
            case BlkRequestFormat.S_ZONE_OPEN_RESOURCE -> error(ErrorKind.ZONE_OPEN_RESOURCE,
                    "the request would open more zones than max_open_zones");
            default -> error(ErrorKind.ZONE_ACTIVE_RESOURCE, "the request would make more zones active than max_active_zones");
        };
    }

    /** Starts an error about one submitted call of this device. */
    BlockDeviceException.Builder about(RequestHandle handle, ErrorKind kind, String detail) {
        return about(handle.type(), handle.sector(), handle.sectorCount(), kind, detail);
    }

    /** Starts an error about a request of this type: its sectors named when it has any. */
    BlockDeviceException.Builder about(RequestType type, long sector, long sectorCount, ErrorKind kind, String detail) {
        return switch (type) {
            case READ, WRITE, DISCARD, WRITE_ZEROES, SECURE_ERASE, ZONE_APPEND ->
                    error(kind, detail).request(type, sector, sectorCount);
            default -> error(kind, detail).request(type);
        };
    }

    /** Starts an error about this device. */
    BlockDeviceException.Builder error(ErrorKind kind, String detail) {
        return BlockDeviceException.of(kind, detail).device(id);
    }
}
