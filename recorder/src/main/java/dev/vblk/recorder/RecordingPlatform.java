package dev.vblk.recorder;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.Platform;
import dev.vblk.trace.TraceEvent;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A platform that passes every primitive call to another platform and records the call with its
 * result, so the trace holds everything the driver saw.
 *
 * <p>The little-endian helpers of {@link dev.vblk.platform.PhysicalMemory} are not overridden: they
 * reach the recorded byte-range primitives. A call that throws is not recorded; the exception
 * propagates unchanged.
 */
public final class RecordingPlatform implements Platform {

    private final Platform delegate;
    private final TraceRecorder recorder;

    public RecordingPlatform(Platform delegate, TraceRecorder recorder) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        long value = delegate.readRegister(address, width);
        recorder.record(new TraceEvent.RegisterRead(address, width, value));
        return value;
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        delegate.writeRegister(address, width, value);
        recorder.record(new TraceEvent.RegisterWrite(address, width, value));
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        delegate.readMemory(address, destination, offset, length);
        recorder.record(new TraceEvent.MemoryRead(address, Arrays.copyOfRange(destination, offset, offset + length)));
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        byte[] written = Arrays.copyOfRange(source, offset, offset + length);
        delegate.writeMemory(address, source, offset, length);
        recorder.record(new TraceEvent.MemoryWrite(address, written));
    }

    @Override
    public OptionalLong allocateFrames(int frameCount, long alignment) {
        OptionalLong address = delegate.allocateFrames(frameCount, alignment);
        recorder.record(new TraceEvent.FrameAllocation(frameCount, alignment, address));
        return address;
    }

    @Override
    public void freeFrames(long address, int frameCount) {
        delegate.freeFrames(address, frameCount);
        recorder.record(new TraceEvent.FrameFree(address, frameCount));
    }

    @Override
    public boolean awaitInterrupt(int line, long timeoutNanos) {
        boolean raised = delegate.awaitInterrupt(line, timeoutNanos);
        recorder.record(new TraceEvent.InterruptWait(line, timeoutNanos, raised));
        return raised;
    }

    @Override
    public long nanoTime() {
        long nanos = delegate.nanoTime();
        recorder.record(new TraceEvent.ClockRead(nanos));
        return nanos;
    }
}
