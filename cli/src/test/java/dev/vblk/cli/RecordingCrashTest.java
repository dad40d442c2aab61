package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording process killed with SIGKILL mid-run leaves a readable prefix that lacks at most what
 * the writer thread had not taken yet: the documented bound is the last 0.25 s of recording (the
 * writer takes the queue at least every {@link TraceWriter#FLUSH_INTERVAL_MILLIS} ms). What a
 * SIGTERM leaves is {@code ShutdownDrainTest}'s.
 */
class RecordingCrashTest {

    /** How long before a SIGKILL the trace file must last have grown (docs/trace-format.md). */
    private static final long LOSS_BOUND_MILLIS = 250;
    /** Complete events the trace holds before the kill, so that its prefix is worth replaying. */
    private static final long PREFIX_EVENTS = 1000;

    @TempDir
    Path directory;

    @Test
    void aSigkilledRecordingLosesAtMostItsLastQuarterSecondAndItsPrefixReplays() throws Exception {
        Path trace = directory.resolve("killed.trace.avro");
        Process vblk = startRecording(trace);
        Growth growth = watchUntilGrowing(trace, vblk);
        long killedAt = System.nanoTime();
        vblk.destroyForcibly();
        assertTrue(vblk.waitFor(30, TimeUnit.SECONDS));
        // A block written between the last poll and the kill grew the file less than a poll before it.
        long lastGrowth = Files.size(trace) == growth.size ? growth.changedAt : killedAt;

        assertTrue(TimeUnit.NANOSECONDS.toMillis(killedAt - lastGrowth) <= LOSS_BOUND_MILLIS,
                "the trace last grew " + TimeUnit.NANOSECONDS.toMillis(killedAt - lastGrowth) + " ms before the kill");
        assertPrefixReplays(trace);
    }

    private Process startRecording(Path trace) throws IOException {
        // Reads over the whole fake disk, again and again: more than the run is given time for.
        String steps = IntStream.range(0, 200_000).mapToObj(i -> "read " + (i * 8 % 2040) + " 8")
                .collect(Collectors.joining("\n", "", "\n"));
        Path workload = Files.writeString(directory.resolve("reads.workload"), steps);
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Vblk.class.getName(), "record", "--fake",
                "--workload", workload.toString(), "-o", trace.toString())
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("vblk.log").toFile())
                .start();
    }

    /**
     * Polls the trace's size until it has grown for a second and holds more than {@link #PREFIX_EVENTS}
     * complete events (a loaded machine may record few in a second), noting when it last changed.
     */
    private static Growth watchUntilGrowing(Path trace, Process vblk) throws Exception {
        Growth growth = new Growth();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long firstGrowth = 0;
        long lastCount = 0;
        while (System.nanoTime() < deadline && vblk.isAlive()) {
            growth.poll(trace);
            if (growth.size > 0 && firstGrowth == 0) {
                firstGrowth = System.nanoTime();
            }
            long now = System.nanoTime();
            if (firstGrowth != 0 && now - firstGrowth > TimeUnit.SECONDS.toNanos(1)
                    && now - lastCount > TimeUnit.MILLISECONDS.toNanos(100)) {
                lastCount = now;
                if (prefixEvents(trace) > PREFIX_EVENTS) {
                    return growth;
                }
            }
            Thread.sleep(2);
        }
        throw new AssertionError("the recording did not run for a second with " + PREFIX_EVENTS
                + " events written (alive: " + vblk.isAlive() + ")");
    }

    /** The complete events of the trace's valid prefix. */
    private static long prefixEvents(Path trace) throws IOException {
        try (TraceReader reader = TraceReader.open(trace, TraceReader.Mode.VALID_PREFIX)) {
            long events = 0;
            for (; reader.hasNext(); reader.next()) {
                events++;
            }
            return events;
        }
    }

    private void assertPrefixReplays(Path trace) throws IOException {
        try (TraceReader reader = TraceReader.open(trace, TraceReader.Mode.VALID_PREFIX)) {
            while (reader.hasNext()) {
                reader.next();
            }
            assertTrue(reader.isTruncated(), "no end marker");
        }
        long events = prefixEvents(trace);
        assertTrue(events > PREFIX_EVENTS, events + " events");
        Cli.Result replay = Cli.run("replay", "--valid-prefix", trace.toString());
        assertEquals(0, replay.exitCode(), replay.toString());
        assertTrue(replay.out().contains("REPRODUCED"), replay.toString());
    }

    /** The trace file's size as last polled and when it last changed. */
    private static final class Growth {
        long size;
        long changedAt;

        void poll(Path trace) throws IOException {
            long now = System.nanoTime();
            long current = Files.exists(trace) ? Files.size(trace) : 0;
            if (current != size) {
                size = current;
                changedAt = now;
            }
        }
    }
}
