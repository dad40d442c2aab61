package dev.vblk.trace;

import dev.vblk.platform.AccessWidth;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * One entry of a trace: a call across the {@link dev.vblk.platform.Platform} interface together with
 * what it returned, or the beginning or end of a block-level operation.
 *
 * <p>Events are immutable values; those holding bytes copy them in and out and compare them by
 * content. A {@link TraceWriter} appends them, a {@link TraceReader} gives them back equal.
 */
public sealed interface TraceEvent {

    /** Calls the visitor method for this event's kind. */
    <R> R accept(TraceEventVisitor<R> visitor);

    /** A register read and the value it returned. */
    record RegisterRead(long address, AccessWidth width, long value) implements TraceEvent {
        public RegisterRead {
            Objects.requireNonNull(width, "width");
        }

        @Override
        public <R> R accept(TraceEventVisitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /** A register write of the low {@code width} bits of {@code value}. */
    record RegisterWrite(long address, AccessWidth width, long value) implements TraceEvent {
        public RegisterWrite {
            Objects.requireNonNull(width, "width");
        }

        @Override
        public <R> R accept(TraceEventVisitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /** A read of guest-physical memory and the bytes the driver saw. */
    record MemoryRead(long address, byte[] data) implements TraceEvent {
        public MemoryRead {
            data = data.clone();
        }

        /** A copy of the bytes read. */
        @Override
        public byte[] data() {
            return data.clone();
        }

        /** Number of bytes read. */
        public int length() {
            return data.length;
        }

        /** The bytes read themselves, not a copy: for the trace's own encoding, which never changes them. */
        byte[] bytes() {
            return data;
        }

        /** Copies the bytes read into {@code destination} from {@code offset}, without a copy in between. */
        public void copyTo(byte[] destination, int offset) {
            System.arraycopy(data, 0, destination, offset, data.length);
        }

        @Override
        public <R> R accept(TraceEventVisitor<R> visitor) {
            return visitor.visit(this);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof MemoryRead that && address == that.address && Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(address) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "MemoryRead[address=0x" + Long.toHexString(address) + ", data=" + ByteArrays.preview(data) + "]";
        }
    }

    /** A write of guest-physical memory. */
    record MemoryWrite(long address, byte[] data) implements TraceEvent {
        public MemoryWrite {
            data = data.clone();
        }

        /** A copy of the bytes written. */
        @Override
        public byte[] data() {
            return data.clone();
        }

        /** Number of bytes written. */
        public int length() {
            return data.length;
        }

        /** The bytes written themselves, not a copy: for the trace's own encoding, which never changes them. */
        byte[] bytes() {
            return data;
        }

        /** Whether the bytes written are {@code bytes}, compared without a copy. */
        public boolean hasData(byte[] bytes) {
            return hasData(bytes, 0, bytes.length);
        }

        /**
         * Whether the bytes written are the {@code length} bytes of {@code bytes} from {@code offset},
         * compared without a copy.
         */
        public boolean hasData(byte[] bytes, int offset, int length) {
            return Arrays.equals(data, 0, data.length, bytes, offset, offset + length);
        }

        @Override
        public <R> R accept(TraceEventVisitor<R> visitor) {
            return visitor.visit(this);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof MemoryWrite that && address == that.address && Arrays.equals(data, that.data);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(address) * 31 + Arrays.hashCode(data);
        }

        @Override
        public String toString() {
            return "MemoryWrite[address=0x" + Long.toHexString(address) + ", data=" + ByteArrays.preview(data) + "]";
        }
    }

    /** A frame allocation request and the address it returned, empty when the allocator refused. */
    record FrameAllocation(int frameCount, long alignment, OptionalLong address) implements TraceEvent {
        public FrameAllocation {
            Objects.requireNonNull(address, "address");
        }

        @Override
        public <R> R accept(TraceEventVisitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /** Frames handed back to the allocator. */
    record FrameFree(long address, int frameCount) implements TraceEvent {
        @Override
        public <R> R accept(TraceEventVisitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /** A wait on (a timeout of zero: a poll of) an interrupt line, and whether the line was raised. */
    record InterruptWait(int line, long timeoutNanos, boolean raised) implements TraceEvent {
        @Override
        public <R> R accept(TraceEventVisitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /**
     * Format 3: the events from here on, up to the next switch, were made by thread {@code thread}
     * of the recorded run. Threads are numbered from 0 in the order they first recorded an event;
     * events before the first switch are thread 0's, so a run on one thread has no switch at all.
     *
     * @param thread the thread's number in the trace
     * @param name the thread's name when it first recorded, for reports
     */
    record ThreadSwitch(int thread, String name) implements TraceEvent {
        public ThreadSwitch {
            Objects.requireNonNull(name, "name");
            if (thread < 0) {
                throw new IllegalArgumentException("thread numbers start at 0: " + thread);
            }
        }

        @Override
        public <R> R accept(TraceEventVisitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /** A read of the monotonic clock and the value it returned. */
    record ClockRead(long nanos) implements TraceEvent {
        @Override
        public <R> R accept(TraceEventVisitor<R> visitor) {
            return visitor.visit(this);
        }
    }

    /**
     * The start of an operation: everything needed to issue the same call again.
     *
     * @param operationId unique within the trace; the matching {@link OperationEnd} carries it
     * @param kind what was called
     * @param device the device's identifier (such as {@code virtio-blk@0x0a003e00}), empty when the
     *     operation is not tied to one device (discovery)
     * @param sector first sector, 0 when the kind has none
     * @param sectorCount number of sectors, 0 when the kind has none
     * @param readLength for {@link OperationKind#READ} the length in bytes of the caller's buffer; 0
     *     otherwise
     * @param payload for {@link OperationKind#WRITE} the data written; empty otherwise
     * @param submitted the call only submitted the request (format 2): the platform events up to the
     *     next top-level marker are its submission, and its {@link OperationEnd} comes when its
     *     completion is delivered, inside a later operation that {@link OperationKind#takesCompletions()
     *     takes completions}
     * @param awaited for {@link OperationKind#WAIT_ALL} the ids of the submitted operations waited
     *     for; empty otherwise
     * @param budgetNanos for {@link OperationKind#WAIT_ANY} and {@link OperationKind#WAIT_ALL} the
     *     wait's time budget on the platform clock, -1 for none; -1 otherwise
     */
    record OperationBegin(
            long operationId,
            OperationKind kind,
            String device,
            long sector,
            long sectorCount,
            int readLength,
            byte[] payload,
            boolean submitted,
            long[] awaited,
            long budgetNanos)
            implements TraceEvent {
        public OperationBegin {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(device, "device");
            payload = payload.clone();
            awaited = awaited.clone();
        }

        /** The start of a call made synchronously, as every operation of format 1 is. */
        public OperationBegin(long operationId, OperationKind kind, String device, long sector, long sectorCount,
                int readLength, byte[] payload) {
            this(operationId, kind, device, sector, sectorCount, readLength, payload, false, new long[0], -1);
        }

        /** A copy of the payload. */
        @Override
        public byte[] payload() {
            return payload.clone();
        }

        /** The length of {@link #payload()}, without copying it. */
        public int payloadLength() {
            return payload.length;
        }

        /** The payload itself, not a copy: for the trace's own encoding, which never changes it. */
        byte[] payloadBytes() {
            return payload;
        }

        /** A copy of the awaited operation ids. */
        @Override
        public long[] awaited() {
            return awaited.clone();
        }

        @Override
        public <R> R accept(TraceEventVisitor<R> visitor) {
            return visitor.visit(this);
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof OperationBegin that
                    && operationId == that.operationId
                    && kind == that.kind
                    && device.equals(that.device)
                    && sector == that.sector
                    && sectorCount == that.sectorCount
                    && readLength == that.readLength
                    && Arrays.equals(payload, that.payload)
                    && submitted == that.submitted
                    && Arrays.equals(awaited, that.awaited)
                    && budgetNanos == that.budgetNanos;
        }

        @Override
        public int hashCode() {
            return Objects.hash(operationId, kind, device, sector, sectorCount, readLength, Arrays.hashCode(payload),
                    submitted, Arrays.hashCode(awaited), budgetNanos);
        }

        @Override
        public String toString() {
            return "OperationBegin[operationId=" + operationId + ", kind=" + kind + ", device=" + device
                    + ", sector=" + sector + ", sectorCount=" + sectorCount + ", readLength=" + readLength
                    + ", payload=" + ByteArrays.preview(payload)
                    + (submitted ? ", submitted" : "")
                    + (awaited.length > 0 ? ", awaited=" + Arrays.toString(awaited) : "")
                    + (budgetNanos >= 0 ? ", budgetNanos=" + budgetNanos : "") + "]";
        }
    }

    /** The end of the operation with the same id, and how it went. */
    record OperationEnd(long operationId, OperationOutcome outcome) implements TraceEvent {
        public OperationEnd {
            Objects.requireNonNull(outcome, "outcome");
        }

        @Override
        public <R> R accept(TraceEventVisitor<R> visitor) {
            return visitor.visit(this);
        }
    }
}
