package dev.vblk.recorder;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import dev.vblk.trace.TraceEvent;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A platform that passes every primitive call to another platform and records the call with its
 * result, so the trace holds everything the driver saw.
 *
 * <p>The little-endian helpers of {@link dev.vblk.platform.PhysicalMemory} are not overridden: they
 * reach the recorded byte-range primitives. A call that throws is not recorded; the exception
 * propagates unchanged.
 *
 * <p>Safe for several threads: every call but an interrupt wait is made and recorded with no other
 * thread's call in between ({@link TraceRecorder#recordCall}), so the trace's order is the order
 * the platform saw. An interrupt wait is recorded when it returns, without holding the others up
 * while it waits.
 */
public final class RecordingPlatform extends ForwardingPlatform {

    private final TraceRecorder recorder;

    public RecordingPlatform(Platform delegate, TraceRecorder recorder) {
        super(Objects.requireNonNull(delegate, "delegate"));
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        return recorder.recordCall(() -> super.readRegister(address, width),
                value -> new TraceEvent.RegisterRead(address, width, value));
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        recorder.recordCall(() -> {
            super.writeRegister(address, width, value);
            return null;
        }, done -> new TraceEvent.RegisterWrite(address, width, value));
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        recorder.recordMemoryRead(() -> super.readMemory(address, destination, offset, length),
                address, destination, offset, length);
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        recorder.recordMemoryWrite(() -> super.writeMemory(address, source, offset, length),
                address, source, offset, length);
    }

    @Override
    public OptionalLong allocateFrames(int frameCount, long alignment) {
        return recorder.recordCall(() -> super.allocateFrames(frameCount, alignment),
                address -> new TraceEvent.FrameAllocation(frameCount, alignment, address));
    }

    @Override
    public void freeFrames(long address, int frameCount) {
        recorder.recordCall(() -> {
            super.freeFrames(address, frameCount);
            return null;
        }, done -> new TraceEvent.FrameFree(address, frameCount));
    }

    @Override
    public boolean awaitInterrupt(int line, long timeoutNanos) {
        boolean raised = super.awaitInterrupt(line, timeoutNanos);
        recorder.record(new TraceEvent.InterruptWait(line, timeoutNanos, raised));
        return raised;
    }

    /** Recorded as an {@link TraceEvent.InterruptWait} on its line, whether an edge was taken as its result. */
    @Override
    public boolean awaitEdge(int line, long timeoutNanos) {
        boolean latched = super.awaitEdge(line, timeoutNanos);
        recorder.record(new TraceEvent.InterruptWait(line, timeoutNanos, latched));
        return latched;
    }

    @Override
    public long nanoTime() {
        return recorder.recordCall(super::nanoTime, TraceEvent.ClockRead::new);
    }
}
