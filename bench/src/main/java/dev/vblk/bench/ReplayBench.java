package dev.vblk.bench;

import dev.vblk.replay.ReplayOptions;
import dev.vblk.replay.ReplayResult;
import dev.vblk.replay.Replayer;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceReader;
import java.nio.file.Path;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Replays of a trace file as {@code vblk replay} makes them (the file read, then replayed), strict
 * and relaxed, and strict from memory: replays per second, with events and payload bytes per second
 * as secondary results.
 * Every replay must reproduce the trace, or the benchmark fails.
 */
@State(Scope.Benchmark)
public class ReplayBench extends Throughput {

    /** The fixture trace (see {@link BenchTraces}). */
    @Param({"qemu-random-reads", "qemu-large-reads", "fake-mixed"})
    public String trace;

    private Path file;
    private Trace events;
    private long payload;

    /** Records the fixture if needed and reads it once for the counters. */
    @Setup
    public void setUp() {
        file = BenchTraces.get(trace);
        events = TraceReader.readValidPrefix(file);
        payload = Counters.payload(events.events());
    }

    /** The number of events of the trace set up. */
    public int eventCount() {
        return events.events().size();
    }

    /** Strict replay: every platform call checked against the next event. */
    @Benchmark
    public ReplayResult strict(Counters counters) {
        return counted(Replayer.strict(file), counters);
    }

    /** {@link #strict} with the file read on the replay's own thread, as each replay of a corpus reads it. */
    @Benchmark
    public ReplayResult strictOneThread(Counters counters) {
        return counted(Replayer.strict(file, ReplayOptions.DEFAULTS.withoutReadAhead()), counters);
    }

    /** Strict replay of the trace already read into memory: the replay's share of {@link #strict}. */
    @Benchmark
    public ReplayResult strictInMemory(Counters counters) {
        return counted(Replayer.strict(events, trace, ReplayOptions.DEFAULTS), counters);
    }

    /** Relaxed replay: the driver on a fake device answering the trace's requests. */
    @Benchmark
    public ReplayResult relaxed(Counters counters) {
        return counted(Replayer.relaxed(file), counters);
    }

    private ReplayResult counted(ReplayResult result, Counters counters) {
        if (!result.reproduced()) {
            throw new IllegalStateException(result.render());
        }
        counters.add(events.events(), payload);
        return result;
    }
}
