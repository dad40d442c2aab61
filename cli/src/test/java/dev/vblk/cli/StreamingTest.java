package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.AccessWidth;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that reads or writes a trace streams it: on a trace of a million events each runs in
 * a heap far smaller than the events read into memory would take.
 */
class StreamingTest {

    /** Events in the long trace. */
    static final int EVENTS = 1_000_000;
    /** The heap the commands run in: a million events held in memory take several times this. */
    static final String HEAP = "-Xmx32m";

    @TempDir
    static Path directory;

    private static Path longTrace;

    @BeforeAll
    static void writeLongTrace() {
        longTrace = directory.resolve("long.trace.avro");
        writeLong(Cli.golden("known-sectors"), longTrace, EVENTS);
    }

    /**
     * The golden trace {@code source}, then operations of register, clock and interrupt events
     * written straight to the writer until the trace holds {@code events} events.
     */
    static void writeLong(Path source, Path output, int events) {
        Trace golden = TraceReader.readComplete(source);
        long id = golden.events().stream().filter(TraceEvent.OperationBegin.class::isInstance).count();
        int written = 0;
        try (TraceWriter writer = TraceWriter.create(output, golden.metadata(), TraceCodec.NONE)) {
            for (TraceEvent event : golden.events()) {
                writer.append(event);
                written++;
            }
            List<TraceEvent> body = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                body.add(new TraceEvent.RegisterRead(0x0a003e60L, AccessWidth.WORD, i & 1));
                body.add(new TraceEvent.ClockRead(1_000L * i));
                body.add(new TraceEvent.InterruptWait(47, 0, false));
            }
            OperationOutcome outcome = OperationOutcome.Succeeded.ofData(new byte[0]);
            while (written < events) {
                id++;
                writer.append(new TraceEvent.OperationBegin(id, OperationKind.FLUSH, "virtio-blk@0x0a003e00", 0, 0, 0,
                        new byte[0]));
                int count = Math.min(body.size(), events - written - 2);
                for (TraceEvent event : body.subList(0, Math.max(count, 0))) {
                    writer.append(event);
                }
                writer.append(new TraceEvent.OperationEnd(id, outcome));
                written += Math.max(count, 0) + 2;
            }
        }
    }

    @Test
    void inspectDiffAndExportOfAMillionEventsRunInASmallHeap() throws Exception {
        String trace = longTrace.toString();
        String golden = Cli.golden("known-sectors").toString();
        Path outputs = Files.createDirectory(directory.resolve("outputs"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-cp", System.getProperty("java.class.path"), CommandSequence.class.getName(), outputs.toString(),
                "inspect", trace, ";",
                "inspect", "--json", trace, ";",
                "diff", trace, trace, ";",
                "diff", golden, trace, ";",
                "export", "--qtest", trace, "-o", directory.resolve("long.qtest").toString()));
        Process vblk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String statuses = new String(vblk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(vblk.waitFor(120, TimeUnit.SECONDS));

        assertEquals(List.of("0", "0", "0", "1", "0"), statuses.lines().toList(), statuses + errors(outputs, 5));
        assertTrue(Files.readString(outputs.resolve("0.out")).contains(String.format("%6d  ", EVENTS - 1)),
                "inspect printed the last event");
        assertTrue(Files.readString(outputs.resolve("1.out")).contains("\"eventCount\" : " + EVENTS), "the JSON is whole");
        assertEquals("the traces' " + EVENTS + " events are the same", Files.readString(outputs.resolve("2.out")).strip());
        String diff = Files.readString(outputs.resolve("3.out"));
        Trace prefix = TraceReader.readComplete(Cli.golden("known-sectors"));
        long operations = prefix.events().stream().filter(TraceEvent.OperationBegin.class::isInstance).count();
        assertTrue(diff.contains("first difference at event " + prefix.events().size())
                && diff.contains("B operation " + (operations + 1) + ": flush"), diff.substring(0, Math.min(diff.length(), 2000)));
        assertTrue(Files.readString(outputs.resolve("4.out")).contains("from " + EVENTS + " events"));
    }

    /**
     * A real recording of a million events (56,000 reads on the fake device), recorded, then replayed
     * strictly and relaxed, all in the small heap: the recorder writes as it goes and both replays read
     * the trace's events on demand.
     */
    @Test
    void recordingAndReplayingAMillionEventsRunInASmallHeap() throws Exception {
        int reads = 56_000;
        Path workload = directory.resolve("many-reads.workload");
        StringBuilder steps = new StringBuilder();
        for (int i = 0; i < reads; i++) {
            steps.append("read ").append(i % 2000).append(" 8\n");
        }
        Files.writeString(workload, steps);
        String trace = directory.resolve("many-reads.trace.avro").toString();
        Path outputs = Files.createDirectory(directory.resolve("replay-outputs"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                HEAP, "-cp", System.getProperty("java.class.path"), CommandSequence.class.getName(), outputs.toString(),
                "record", "--fake", "--workload", workload.toString(), "-o", trace, ";",
                "replay", trace, ";",
                "replay", "--relaxed", trace));
        Process vblk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String statuses = new String(vblk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(vblk.waitFor(300, TimeUnit.SECONDS));

        assertEquals(List.of("0", "0", "0"), statuses.lines().toList(), statuses + errors(outputs, 3));
        long events = countEvents(Path.of(trace));
        assertTrue(events >= EVENTS, "the recording holds " + events + " events");
        String operations = "REPRODUCED (" + (reads + 1) + " of " + (reads + 1) + " operations, " + events + " events)";
        assertTrue(Files.readString(outputs.resolve("1.out")).contains("strict replay of " + trace + ": " + operations),
                Files.readString(outputs.resolve("1.out")));
        assertTrue(Files.readString(outputs.resolve("2.out")).contains("relaxed replay of " + trace + ": " + operations),
                Files.readString(outputs.resolve("2.out")));
    }

    private static long countEvents(Path trace) {
        try (TraceReader reader = TraceReader.open(trace)) {
            while (reader.hasNext()) {
                reader.next();
            }
            assertTrue(reader.isComplete(), "the recording is complete");
            return reader.eventsRead();
        }
    }

    private static String errors(Path outputs, int commands) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < commands; i++) {
            Path err = outputs.resolve(i + ".err");
            if (Files.exists(err)) {
                text.append("\n").append(i).append(": ").append(Files.readString(err));
            }
        }
        return text.toString();
    }
}
