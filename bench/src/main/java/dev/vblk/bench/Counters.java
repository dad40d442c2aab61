package dev.vblk.bench;

import dev.vblk.trace.TraceEvent;
import java.util.List;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH secondary results: the events and payload bytes a benchmark invocation went through, reported
 * per second next to the invocations per second.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class Counters {

    /** Trace events handled. */
    public long events;

    /** Bytes of data carried by those events (memory reads and writes, written payloads). */
    public long payloadBytes;

    /** Starts each iteration at zero. */
    @Setup(Level.Iteration)
    public void reset() {
        events = 0;
        payloadBytes = 0;
    }

    /** Counts one pass over {@code trace}. */
    void add(List<TraceEvent> trace, long payload) {
        events += trace.size();
        payloadBytes += payload;
    }

    /** The data bytes carried by a list of events. */
    static long payload(List<TraceEvent> events) {
        long bytes = 0;
        for (TraceEvent event : events) {
            if (event instanceof TraceEvent.MemoryRead read) {
                bytes += read.length();
            } else if (event instanceof TraceEvent.MemoryWrite write) {
                bytes += write.data().length;
            } else if (event instanceof TraceEvent.OperationBegin begin) {
                bytes += begin.payload().length;
            }
        }
        return bytes;
    }
}
