package dev.vblk.bench;

import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Writing and reading a whole trace in memory, per codec: traces per second, with events and
 * payload bytes per second as secondary results. {@code synthetic} is {@link SyntheticEvents}'
 * 3,000 operations; the other sources are the events of a fixture trace ({@link BenchTraces}).
 */
@State(Scope.Benchmark)
public class TraceIoBench extends Throughput {

    /** Where the events come from. */
    @Param({"qemu-random-reads", "synthetic"})
    public String source;

    /** The block codec. */
    @Param({"DEFLATE", "ZSTANDARD", "NONE"})
    public TraceCodec codec;

    private List<TraceEvent> events;
    private TraceMetadata metadata;
    private byte[] file;
    private long payload;

    /** Builds the events and one written file to read. */
    @Setup
    public void setUp() {
        if (source.equals("synthetic")) {
            events = SyntheticEvents.workload(3000, new Random(1));
            metadata = TraceSizes.metadata();
        } else {
            var trace = TraceReader.readComplete(BenchTraces.get(source));
            events = trace.events();
            metadata = trace.metadata();
        }
        file = write();
        payload = Counters.payload(events);
    }

    /** Writes every event to an in-memory trace. */
    @Benchmark
    public byte[] write(Counters counters) {
        byte[] bytes = write();
        counters.add(events, payload);
        return bytes;
    }

    /** Reads every event of the written trace. */
    @Benchmark
    public void read(Counters counters, Blackhole sink) {
        long count = 0;
        try (TraceReader reader = TraceReader.open(new ByteArrayInputStream(file), TraceReader.Mode.COMPLETE)) {
            while (reader.hasNext()) {
                sink.consume(reader.next());
                count++;
            }
        }
        if (count != events.size()) {
            throw new IllegalStateException("read " + count + " of " + events.size() + " events");
        }
        counters.add(events, payload);
    }

    private byte[] write() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(file == null ? 1 << 20 : file.length);
        try (TraceWriter writer = TraceWriter.create(out, metadata, codec)) {
            events.forEach(writer::append);
        }
        return out.toByteArray();
    }
}
