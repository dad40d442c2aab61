package dev.vblk.fuzz.seeded;

import dev.vblk.fake.blk.CompletionBatching;
import dev.vblk.replay.TraceDrivenMachine;
import dev.vblk.trace.TraceEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * One change to what a recorded device answered, at one event of a seed trace. The trace is replayed
 * strictly up to that event, the driver gets the changed answer there, and from the next event on the
 * fake machine kept in step answers live ({@link #branchAt()}).
 */
public sealed interface TraceMutation {

    /** The event whose answer changes. */
    int eventIndex();

    /** Where the replay goes live: right after the changed event. */
    default int branchAt() {
        return eventIndex() + 1;
    }

    /** The seed's events with this change made. */
    List<TraceEvent> applyTo(List<TraceEvent> events);

    /** What the live machine does differently from the branch on (most mutations: nothing). */
    default void atBranch(TraceDrivenMachine machine) {}

    /** One line for people. */
    String describe();

    /** A register read answers {@code value} instead of the recorded value. */
    record RegisterValue(int eventIndex, String register, long value) implements TraceMutation {
        @Override
        public List<TraceEvent> applyTo(List<TraceEvent> events) {
            TraceEvent.RegisterRead read = (TraceEvent.RegisterRead) events.get(eventIndex);
            return replaced(events, eventIndex, new TraceEvent.RegisterRead(read.address(), read.width(), value));
        }

        @Override
        public String describe() {
            return String.format("event %d: %s reads 0x%x", eventIndex, register, value);
        }
    }

    /** One byte of a memory read (a status byte, a used element's id or length, a ring index) changes. */
    record MemoryByte(int eventIndex, String what, int offset, int value) implements TraceMutation {
        @Override
        public List<TraceEvent> applyTo(List<TraceEvent> events) {
            TraceEvent.MemoryRead read = (TraceEvent.MemoryRead) events.get(eventIndex);
            byte[] data = read.data();
            data[offset] = (byte) value;
            return replaced(events, eventIndex, new TraceEvent.MemoryRead(read.address(), data));
        }

        @Override
        public String describe() {
            return String.format("event %d: %s, byte %d reads 0x%02x", eventIndex, what, offset, value);
        }
    }

    /** A wait for an interrupt ends the other way: the interrupt came though it did not, or not though it did. */
    record InterruptFlip(int eventIndex) implements TraceMutation {
        @Override
        public List<TraceEvent> applyTo(List<TraceEvent> events) {
            TraceEvent.InterruptWait wait = (TraceEvent.InterruptWait) events.get(eventIndex);
            return replaced(events, eventIndex, new TraceEvent.InterruptWait(wait.line(), wait.timeoutNanos(), !wait.raised()));
        }

        @Override
        public String describe() {
            return "event " + eventIndex + ": the interrupt wait ends the other way";
        }
    }

    /**
     * From the event on, the live devices hold completions back and release them in batches of
     * {@code batch} in {@code order}, a batch at most {@value #HOLD_NANOS} ns after its first request:
     * completions come in another order, or later, than recorded.
     */
    record CompletionOrder(int eventIndex, int batch, CompletionBatching.Order order) implements TraceMutation {
        /** How long a batch is held at most. */
        public static final long HOLD_NANOS = 1_000_000L;

        @Override
        public int branchAt() {
            return eventIndex;
        }

        @Override
        public List<TraceEvent> applyTo(List<TraceEvent> events) {
            return events;
        }

        @Override
        public void atBranch(TraceDrivenMachine machine) {
            machine.devices().values().forEach(device -> device.faults().batchCompletions(CompletionBatching.of(batch, order)
                    .releasingAfter(HOLD_NANOS)));
        }

        @Override
        public String describe() {
            return "event " + eventIndex + ": completions from here in batches of " + batch + ", "
                    + order.name().toLowerCase(java.util.Locale.ROOT) + " order";
        }
    }

    private static List<TraceEvent> replaced(List<TraceEvent> events, int index, TraceEvent event) {
        List<TraceEvent> copy = new ArrayList<>(events);
        copy.set(index, event);
        return copy;
    }
}
