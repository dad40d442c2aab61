package dev.vblk.trace;

/**
 * Handles each kind of {@link TraceEvent}; {@link TraceEvent#accept} picks the method.
 *
 * @param <R> what handling an event returns
 */
public interface TraceEventVisitor<R> {

    R visit(TraceEvent.RegisterRead event);

    R visit(TraceEvent.RegisterWrite event);

    R visit(TraceEvent.MemoryRead event);

    R visit(TraceEvent.MemoryWrite event);

    R visit(TraceEvent.FrameAllocation event);

    R visit(TraceEvent.FrameFree event);

    R visit(TraceEvent.InterruptWait event);

    R visit(TraceEvent.ClockRead event);

    R visit(TraceEvent.OperationBegin event);

    R visit(TraceEvent.OperationEnd event);

    R visit(TraceEvent.ThreadSwitch event);
}
