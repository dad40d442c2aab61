package dev.vblk.replay;

import dev.vblk.platform.AccessWidth;
import dev.vblk.trace.TraceEvent;
import java.util.Arrays;

/**
 * A call the driver made across the {@link dev.vblk.platform.Platform} interface, without its
 * result: what a replay compares with the next recorded {@link TraceEvent}.
 */
public sealed interface PlatformCall {

    /** Whether {@code event} records this call (same kind and arguments). */
    boolean matches(TraceEvent event);

    /** {@code readRegister}. */
    record RegisterRead(long address, AccessWidth width) implements PlatformCall {
        @Override
        public boolean matches(TraceEvent event) {
            return records(event, address, width);
        }

        /** Whether {@code event} records this call, for a replay that matches calls without making one. */
        static boolean records(TraceEvent event, long address, AccessWidth width) {
            return event instanceof TraceEvent.RegisterRead read && read.address() == address && read.width() == width;
        }
    }

    /** {@code writeRegister}, with the value truncated to the width. */
    record RegisterWrite(long address, AccessWidth width, long value) implements PlatformCall {
        @Override
        public boolean matches(TraceEvent event) {
            return records(event, address, width, value);
        }

        /** Whether {@code event} records this call, for a replay that matches calls without making one. */
        static boolean records(TraceEvent event, long address, AccessWidth width, long value) {
            return event instanceof TraceEvent.RegisterWrite write && write.address() == address
                    && write.width() == width && width.truncate(write.value()) == width.truncate(value);
        }
    }

    /** {@code readMemory} of {@code length} bytes. */
    record MemoryRead(long address, int length) implements PlatformCall {
        @Override
        public boolean matches(TraceEvent event) {
            return records(event, address, length);
        }

        /** Whether {@code event} records this call, for a replay that matches calls without making one. */
        static boolean records(TraceEvent event, long address, int length) {
            return event instanceof TraceEvent.MemoryRead read && read.address() == address && read.length() == length;
        }
    }

    /** {@code writeMemory} of {@code data}. */
    record MemoryWrite(long address, byte[] data) implements PlatformCall {
        public MemoryWrite {
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean matches(TraceEvent event) {
            return records(event, address, data, 0, data.length);
        }

        /**
         * Whether {@code event} records a write of {@code length} bytes of {@code source} from
         * {@code offset}, for a replay that matches calls without making one (or copying the bytes).
         */
        static boolean records(TraceEvent event, long address, byte[] source, int offset, int length) {
            return event instanceof TraceEvent.MemoryWrite write && write.address() == address
                    && write.hasData(source, offset, length);
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
            return "MemoryWrite[address=0x" + Long.toHexString(address) + ", " + data.length + " bytes]";
        }
    }

    /** {@code allocateFrames}. */
    record FrameAllocation(int frameCount, long alignment) implements PlatformCall {
        @Override
        public boolean matches(TraceEvent event) {
            return records(event, frameCount, alignment);
        }

        /** Whether {@code event} records this call, for a replay that matches calls without making one. */
        static boolean records(TraceEvent event, int frameCount, long alignment) {
            return event instanceof TraceEvent.FrameAllocation allocation && allocation.frameCount() == frameCount
                    && allocation.alignment() == alignment;
        }
    }

    /** {@code freeFrames}. */
    record FrameFree(long address, int frameCount) implements PlatformCall {
        @Override
        public boolean matches(TraceEvent event) {
            return records(event, address, frameCount);
        }

        /** Whether {@code event} records this call, for a replay that matches calls without making one. */
        static boolean records(TraceEvent event, long address, int frameCount) {
            return event instanceof TraceEvent.FrameFree free && free.address() == address && free.frameCount() == frameCount;
        }
    }

    /** {@code awaitInterrupt}. */
    record InterruptWait(int line, long timeoutNanos) implements PlatformCall {
        @Override
        public boolean matches(TraceEvent event) {
            return records(event, line, timeoutNanos);
        }

        /** Whether {@code event} records this call, for a replay that matches calls without making one. */
        static boolean records(TraceEvent event, int line, long timeoutNanos) {
            return event instanceof TraceEvent.InterruptWait wait && wait.line() == line && wait.timeoutNanos() == timeoutNanos;
        }
    }

    /** {@code nanoTime}. */
    record ClockRead() implements PlatformCall {
        @Override
        public boolean matches(TraceEvent event) {
            return records(event);
        }

        /** Whether {@code event} records this call, for a replay that matches calls without making one. */
        static boolean records(TraceEvent event) {
            return event instanceof TraceEvent.ClockRead;
        }
    }
}
