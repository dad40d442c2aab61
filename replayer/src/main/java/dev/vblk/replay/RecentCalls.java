package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.OptionalLong;

/**
 * A platform decorator that remembers the last few calls with their results, so a report on a run
 * that has no trace position (relaxed or live) can show what the driver did just before.
 */
final class RecentCalls extends ForwardingPlatform {

    private final int capacity;
    private final Deque<TraceEvent> recent = new ArrayDeque<>();
    private final TraceEventFormatter behind;
    private long calls;

    RecentCalls(Platform delegate, MmioWindow window, int capacity) {
        super(delegate);
        this.capacity = capacity;
        this.behind = new TraceEventFormatter(window);
    }

    /** The remembered calls, rendered, oldest first. */
    synchronized List<String> render() {
        TraceEventFormatter formatter = behind.copy();
        List<String> lines = new ArrayList<>();
        long number = calls - recent.size();
        for (TraceEvent event : recent) {
            lines.add("call " + number++ + ": " + formatter.format(event));
        }
        return lines;
    }

    private synchronized void remember(TraceEvent event) {
        calls++;
        recent.addLast(event);
        if (recent.size() > capacity) {
            behind.advance(recent.removeFirst());
        }
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        long value = super.readRegister(address, width);
        remember(new TraceEvent.RegisterRead(address, width, value));
        return value;
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        super.writeRegister(address, width, value);
        remember(new TraceEvent.RegisterWrite(address, width, value));
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        super.readMemory(address, destination, offset, length);
        remember(new TraceEvent.MemoryRead(address, Arrays.copyOfRange(destination, offset, offset + length)));
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        super.writeMemory(address, source, offset, length);
        remember(new TraceEvent.MemoryWrite(address, Arrays.copyOfRange(source, offset, offset + length)));
    }

    @Override
    public OptionalLong allocateFrames(int frameCount, long alignment) {
        OptionalLong address = super.allocateFrames(frameCount, alignment);
        remember(new TraceEvent.FrameAllocation(frameCount, alignment, address));
        return address;
    }

    @Override
    public void freeFrames(long address, int frameCount) {
        super.freeFrames(address, frameCount);
        remember(new TraceEvent.FrameFree(address, frameCount));
    }

    @Override
    public boolean awaitInterrupt(int line, long timeoutNanos) {
        boolean raised = super.awaitInterrupt(line, timeoutNanos);
        remember(new TraceEvent.InterruptWait(line, timeoutNanos, raised));
        return raised;
    }

    @Override
    public boolean awaitEdge(int line, long timeoutNanos) {
        boolean latched = super.awaitEdge(line, timeoutNanos);
        remember(new TraceEvent.InterruptWait(line, timeoutNanos, latched));
        return latched;
    }

    @Override
    public long nanoTime() {
        long nanos = super.nanoTime();
        remember(new TraceEvent.ClockRead(nanos));
        return nanos;
    }
}
