package dev.vblk.block;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The one error a block device call throws: a {@link ErrorKind kind} to act on, and the context
 * (device, transport address, request type, sector, status byte) that says where. The message is
 * written when first asked for: a caller that acts on the kind alone (a fuzz campaign meets
 * thousands of errors a second) never pays for the text. Like an error code, it carries that context
 * instead of a stack trace: most are made on the completion path, where a trace would name the
 * driver's completion code rather than the call that failed, and taking one cost a fuzz campaign a
 * twentieth of its time. An error caused by another exception keeps that cause, with its trace.
 */
public final class BlockDeviceException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorKind kind;
    private final String detail;
    /** The device as given to the builder; its text is {@link #device()}. */
    private final transient Object deviceName;
    private final RequestType requestType;
    private final long sector;
    private final long sectorCount;
    private final int statusByte;
    /** Whether the cause's message ends the text, after the detail. */
    private final boolean detailFollowedByCause;
    private String device;
    private String message;

    private BlockDeviceException(Builder builder, Throwable cause) {
        super(null, cause, true, false);
        this.kind = builder.kind;
        this.detail = builder.detail;
        this.deviceName = builder.device;
        this.requestType = builder.requestType;
        this.sector = builder.sector;
        this.sectorCount = builder.sectorCount;
        this.statusByte = builder.statusByte;
        this.detailFollowedByCause = builder.detailFollowedByCause;
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
        if (device == null && deviceName != null) {
            device = deviceName.toString();
        }
        return device;
    }

    @Override
    public String getMessage() {
        if (message == null) {
            message = format();
        }
        return message;
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

    /** Writes the texts, not the device object they come from. */
    private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
        getMessage();
        out.defaultWriteObject();
    }

    private String format() {
        StringBuilder text = new StringBuilder();
        if (device() != null) {
            text.append(device()).append(": ");
        }
        text.append(kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        if (requestType != null) {
            text.append(" on ").append(requestType.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
            if (sector >= 0) {
                text.append(" at sector ").append(sector);
                if (sectorCount > 0) {
                    text.append(" (").append(sectorCount).append(sectorCount == 1 ? " sector)" : " sectors)");
                }
            }
        }
        if (statusByte >= 0) {
            text.append(", status byte ").append(statusByte);
        }
        text.append(": ").append(detail);
        if (detailFollowedByCause && getCause() != null) {
            text.append(getCause().getMessage());
        }
        return text.toString();
    }

    /** Collects the context of an error before it is thrown. */
    public static final class Builder {
        private final ErrorKind kind;
        private final String detail;
        private Object device;
        private RequestType requestType;
        private long sector = -1;
        private long sectorCount;
        private int statusByte = -1;
        private boolean detailFollowedByCause;

        private Builder(ErrorKind kind, String detail) {
            this.kind = kind;
            this.detail = detail;
        }

        /** The device the error is about; its {@code toString()}, taken when the text is first needed, names it. */
        public Builder device(Object device) {
            this.device = device;
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

        /**
         * Ends the text with the cause's message, after the detail: written, like the rest, only when
         * the message is first asked for.
         */
        public Builder detailFollowedByCause() {
            this.detailFollowedByCause = true;
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
