package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.platform.AccessWidth;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM that shuts down while a trace is being written (SIGTERM, or {@code System.exit}) writes
 * what was queued first: the events appended just before, which the writer thread had not taken
 * yet, are in the file, a readable trace without its end marker.
 */
class ShutdownDrainTest {

    private static final int EVENTS = 5_000;

    @TempDir
    Path directory;

    @ParameterizedTest
    @ValueSource(strings = {"sigterm", "exit"})
    void whatWasQueuedIsWrittenBeforeTheJvmEnds(String how) throws Exception {
        Path trace = directory.resolve(how + ".trace.avro");
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AppendThenStop.class.getName(), trace.toString(), how)
                .redirectErrorStream(true).start();
        String printed = new String(child.getInputStream().readAllBytes());
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), printed);
        assertEquals(how.equals("sigterm") ? 143 : 0, child.exitValue(), printed);

        Trace read = TraceReader.readValidPrefix(trace);
        assertEquals(EVENTS, read.events().size(), "every queued event was written");
        assertTrue(!read.complete(), "no end marker: the run did not close its trace");
    }

    /** Appends events, far fewer than a batch, then ends its JVM at once: by SIGTERM to itself or by exit. */
    public static final class AppendThenStop {
        public static void main(String[] args) throws IOException, InterruptedException {
            TraceWriter writer = TraceWriter.create(Path.of(args[0]), TraceSamples.metadata());
            for (int i = 0; i < EVENTS; i++) {
                writer.append(new TraceEvent.RegisterRead(0x0a00_0000L + 4 * (i % 64), AccessWidth.WORD, i));
            }
            if (args[1].equals("exit")) {
                System.exit(0);
            }
            new ProcessBuilder("kill", "-TERM", Long.toString(ProcessHandle.current().pid())).start();
            Thread.sleep(60_000);
        }
    }
}
