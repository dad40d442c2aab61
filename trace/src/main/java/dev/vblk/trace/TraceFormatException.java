package dev.vblk.trace;

import java.util.OptionalLong;

/**
 * The one error reading a trace gives: the file is not a trace, is from a newer format version, was
 * cut short, or is damaged. The {@link Reason} says which; the message says where.
 */
public final class TraceFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a file could not be read as a (complete) trace. */
    public enum Reason {
        /** The file is not an Avro data file, or not one holding a vblk trace. */
        NOT_A_TRACE,
        /** The trace was written in a newer format version than this reader knows. */
        INCOMPATIBLE_VERSION,
        /** The file ends before the end marker; {@link #readableEvents()} events are intact. */
        TRUNCATED,
        /** The file is damaged; {@link #eventIndex()} and {@link #byteOffset()} say where. */
        CORRUPT
    }

    private final Reason reason;
    private final long readableEvents;
    private final long eventIndex;
    private final long byteOffset;

    private TraceFormatException(
            Reason reason, String message, long readableEvents, long eventIndex, long byteOffset, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.readableEvents = readableEvents;
        this.eventIndex = eventIndex;
        this.byteOffset = byteOffset;
    }

    static TraceFormatException notATrace(String message) {
        return new TraceFormatException(Reason.NOT_A_TRACE, message, -1, -1, -1, null);
    }

    static TraceFormatException incompatibleVersion(int version) {
        return new TraceFormatException(
                Reason.INCOMPATIBLE_VERSION,
                "trace format version " + version + " is newer than the newest this reader knows ("
                        + TraceFormat.FORMAT_VERSION + "); read it with a newer vblk",
                -1, -1, -1, null);
    }

    static TraceFormatException truncated(long readableEvents, long byteOffset) {
        return new TraceFormatException(
                Reason.TRUNCATED,
                "trace is truncated at byte " + byteOffset + " (no end marker); its first " + readableEvents
                        + " events are intact and can be read with TraceReader.Mode.VALID_PREFIX",
                readableEvents, -1, byteOffset, null);
    }

    static TraceFormatException corrupt(String detail, long eventIndex, long byteOffset, Throwable cause) {
        String where = eventIndex >= 0
                ? " in the block starting at byte " + byteOffset + ", after event " + eventIndex
                : " at byte " + byteOffset;
        return new TraceFormatException(
                Reason.CORRUPT, "trace is corrupt" + where + ": " + detail, -1, eventIndex, byteOffset, cause);
    }

    public Reason reason() {
        return reason;
    }

    /** For {@link Reason#TRUNCATED}: how many events precede the cut and are intact. */
    public OptionalLong readableEvents() {
        return readableEvents < 0 ? OptionalLong.empty() : OptionalLong.of(readableEvents);
    }

    /**
     * For {@link Reason#CORRUPT} inside the event stream: the number of intact events before the
     * damaged part (the index of the first event that cannot be trusted).
     */
    public OptionalLong eventIndex() {
        return eventIndex < 0 ? OptionalLong.empty() : OptionalLong.of(eventIndex);
    }

    /** The file offset of the damaged or cut part, when known. */
    public OptionalLong byteOffset() {
        return byteOffset < 0 ? OptionalLong.empty() : OptionalLong.of(byteOffset);
    }
}
