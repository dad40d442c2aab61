package dev.vblk.block;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The one error a block device call throws: a {@link ErrorKind kind} to act on, and the context
 * (device, transport address, request type, sector, status byte) that says where.
 */
public final class BlockDeviceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String device;
    private final RequestType requestType;
    private final long sector;
    private final int statusByte;

    private BlockDeviceException(Builder builder, Throwable cause) {
        super(format(builder), cause);
        this.kind = builder.kind;
        this.device = builder.device;
        this.requestType = builder.requestType;
        this.sector = builder.sector;
        this.statusByte = builder.statusByte;
    }

    /** Starts an error of the given kind with a human-readable detail. */
    public static Builder of(ErrorKind kind, String detail) {
        return new Builder(kind, detail);
    }

    public ErrorKind kind() {
        return kind;
    }

    /** The device the error happened on, such as {@code virtio-blk@0x0a003e00}, or null. */
    public String device() {
        return device;
    }

    /** The request that failed, or null when the error is not tied to a request. */
    public RequestType requestType() {
        return requestType;
    }

    /** The first sector of the failed request, if it had one. */
    public OptionalLong sector() {
        return sector < 0 ? OptionalLong.empty() : OptionalLong.of(sector);
    }

    /** The status byte the device returned, if it returned one. */
    public OptionalInt statusByte() {
        return statusByte < 0 ? OptionalInt.empty() : OptionalInt.of(statusByte);
    }

    private static String format(Builder b) {
        StringBuilder text = new StringBuilder();
        if (b.device != null) {
            text.append(b.device).append(": ");
        }
        text.append(b.kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        if (b.requestType != null) {
            text.append(" on ").append(b.requestType.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            if (b.sector >= 0) {
                text.append(" at sector ").append(b.sector);
                if (b.sectorCount > 0) {
                    text.append(" (").append(b.sectorCount).append(b.sectorCount == 1 ? " sector)" : " sectors)");
                }
            }
        }
        if (b.statusByte >= 0) {
            text.append(", status byte ").append(b.statusByte);
        }
        text.append(": ").append(b.detail);
        return text.toString();
    }

    /** Collects the context of an error before it is thrown. */
    public static final class Builder {
        private final ErrorKind kind;
        private final String detail;
        private String device;
        private RequestType requestType;
        private long sector = -1;
        private long sectorCount;
        private int statusByte = -1;

        private Builder(ErrorKind kind, String detail) {
            this.kind = kind;
            this.detail = detail;
        }

        public Builder device(Object device) {
            this.device = device == null ? null : device.toString();
            return this;
        }

        public Builder request(RequestType type) {
            this.requestType = type;
            return this;
        }

        public Builder request(RequestType type, long sector, long sectorCount) {
            this.requestType = type;
            this.sector = sector;
            this.sectorCount = sectorCount;
            return this;
        }

        public Builder statusByte(int status) {
            this.statusByte = status;
            return this;
        }

        public BlockDeviceException build() {
            return new BlockDeviceException(this, null);
        }

        public BlockDeviceException build(Throwable cause) {
            return new BlockDeviceException(this, cause);
        }
    }
}
