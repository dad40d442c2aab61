package dev.vblk.harness;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.BoardParameters;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What two recordings of the same workload on QEMU share, to tell whether a trace recorded again
 * still matches a checked-in one: the operations with their outcomes, and how many events of each
 * kind the driver itself initiates (register writes but InterruptACK, memory writes, frame allocations
 * and frees, operation marks).
 *
 * <p>The total event count is kept but not compared: while a request is in flight the driver polls,
 * and each poll that finds nothing is a used-ring read, a clock read and an unanswered interrupt
 * wait; how many there are depends on when QEMU's I/O thread completes the request.
 *
 * @param events the total number of events
 * @param operations the operations begun, in order
 * @param outcomes the operations' outcomes, in the order they ended
 * @param driverInitiated event counts by kind ({@code RegisterWrite}, ...) for the kinds the
 *     driver initiates
 */
public record TraceShape(long events, List<BlockOperation> operations, List<OperationOutcome> outcomes,
        SortedMap<String, Long> driverInitiated) {

    private static final Set<Class<?>> DRIVER_INITIATED = Set.of(TraceEvent.RegisterWrite.class,
            TraceEvent.MemoryWrite.class, TraceEvent.FrameAllocation.class, TraceEvent.FrameFree.class,
            TraceEvent.OperationBegin.class, TraceEvent.OperationEnd.class);

    public TraceShape {
        operations = List.copyOf(operations);
        outcomes = List.copyOf(outcomes);
        driverInitiated = new TreeMap<>(driverInitiated);
    }

    /** The shape of a trace. */
    public static TraceShape of(Trace trace) {
        MmioWindow window = BoardParameters.fromMap(trace.metadata().board()).window();
        List<BlockOperation> operations = new ArrayList<>();
        List<OperationOutcome> outcomes = new ArrayList<>();
        SortedMap<String, Long> counts = new TreeMap<>();
        for (TraceEvent event : trace.events()) {
            if (event instanceof TraceEvent.OperationBegin begin) {
                operations.add(BlockOperation.of(begin));
            } else if (event instanceof TraceEvent.OperationEnd end) {
                outcomes.add(end.outcome());
            }
            if (DRIVER_INITIATED.contains(event.getClass()) && !acknowledgesAnInterrupt(event, window)) {
                counts.merge(event.getClass().getSimpleName(), 1L, Long::sum);
            }
        }
        return new TraceShape(trace.events().size(), operations, outcomes, counts);
    }

    /**
     * The shape of a trace without what depends on timing when many requests are in flight: the
     * outcomes of the calls (not of the polls and waits, whose outcome is the order completions came
     * in) in a fixed order rather than the order they ended, and no event counts.
     */
    public static TraceShape withoutTiming(Trace trace) {
        TraceShape shape = of(trace);
        Map<Long, OperationKind> kinds = new HashMap<>();
        List<OperationOutcome> outcomes = new ArrayList<>();
        for (TraceEvent event : trace.events()) {
            if (event instanceof TraceEvent.OperationBegin begin) {
                kinds.put(begin.operationId(), begin.kind());
            } else if (event instanceof TraceEvent.OperationEnd end && !kinds.get(end.operationId()).takesCompletions()) {
                outcomes.add(end.outcome());
            }
        }
        outcomes.sort(Comparator.comparing(OperationOutcome::toString));
        return new TraceShape(shape.events(), shape.operations(), outcomes, new TreeMap<>());
    }

    /**
     * Whether the event writes InterruptACK. With interrupt-driven completion an interrupt QEMU raises
     * while the driver already takes the completion it stands for is acknowledged in that pass or in
     * the next wait, as timing has it, so acknowledgements are not counted.
     */
    private static boolean acknowledgesAnInterrupt(TraceEvent event, MmioWindow window) {
        return event instanceof TraceEvent.RegisterWrite write && write.address() >= window.baseAddress()
                && write.address() < window.endAddress()
                && (write.address() - window.baseAddress()) % window.slotSize() == MmioRegister.INTERRUPT_ACK.offset();
    }

    /** How {@code other} differs from this shape, one line per difference; empty when they match. */
    public List<String> differences(TraceShape other) {
        List<String> differences = new ArrayList<>();
        if (operations.size() != other.operations.size()) {
            differences.add(operations.size() + " operations, now " + other.operations.size());
        }
        for (int i = 0; i < Math.min(operations.size(), other.operations.size()); i++) {
            if (!operations.get(i).equals(other.operations.get(i))) {
                differences.add("operation " + (i + 1) + " was " + operations.get(i) + ", now " + other.operations.get(i));
            }
        }
        for (int i = 0; i < Math.min(outcomes.size(), other.outcomes.size()); i++) {
            if (!outcomes.get(i).equals(other.outcomes.get(i))) {
                differences.add("outcome " + (i + 1) + " was " + outcomes.get(i) + ", now " + other.outcomes.get(i));
            }
        }
        if (!driverInitiated.equals(other.driverInitiated)) {
            differences.add("driver-initiated events were " + driverInitiated + ", now " + other.driverInitiated);
        }
        return differences;
    }
}
