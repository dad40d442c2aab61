package dev.vblk.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadAheadReaderTest {

    /** Enough events for more batches than the window holds. */
    private static final List<TraceEvent> EVENTS = TraceSamples.smallWorkload(
            ReadAheadReader.BATCH_EVENTS * ReadAheadReader.BATCHES / 2);

    @TempDir
    Path dir;

    @Test
    void handsOutWhatTheReaderDoesInOrder() throws IOException {
        assertTrue(EVENTS.size() > 2 * ReadAheadReader.BATCH_EVENTS * ReadAheadReader.BATCHES, "events " + EVENTS.size());
        Path file = write(TraceRoundTripTest.write(EVENTS, TraceCodec.DEFLATE));

        List<TraceEvent> read = new ArrayList<>();
        try (ReadAheadReader reader = ReadAheadReader.open(file, TraceReader.Mode.COMPLETE)) {
            assertEquals(TraceSamples.metadata(), reader.metadata());
            while (reader.hasNext()) {
                assertFalse(reader.isComplete());
                read.add(reader.next());
            }
            assertTrue(reader.isComplete());
            assertEquals(EVENTS.size(), reader.eventsRead());
        }

        assertEquals(EVENTS, read);
    }

    @Test
    void aCutTraceGivesItsIntactEventsThenTheReadersError() throws IOException {
        byte[] whole = TraceRoundTripTest.write(EVENTS, TraceCodec.DEFLATE);
        Path file = write(Arrays.copyOf(whole, whole.length * 2 / 3));
        List<TraceEvent> expected = new ArrayList<>();
        TraceFormatException expectedError;
        try (TraceReader reader = TraceReader.open(file, TraceReader.Mode.COMPLETE)) {
            expectedError = assertThrows(TraceFormatException.class, () -> reader.forEachRemaining(expected::add));
        }

        List<TraceEvent> read = new ArrayList<>();
        try (ReadAheadReader reader = ReadAheadReader.open(file, TraceReader.Mode.COMPLETE)) {
            TraceFormatException error = assertThrows(TraceFormatException.class, () -> reader.forEachRemaining(read::add));
            assertEquals(expectedError.getMessage(), error.getMessage());
            assertFalse(reader.hasNext(), "iteration ends after the error");
            assertFalse(reader.isComplete());
        }

        assertTrue(expected.size() > ReadAheadReader.BATCH_EVENTS, "intact events " + expected.size());
        assertEquals(expected, read);
    }

    @Test
    void aCutTraceReadAsAValidPrefixEndsIncomplete() throws IOException {
        byte[] whole = TraceRoundTripTest.write(EVENTS, TraceCodec.NONE);
        Path file = write(Arrays.copyOf(whole, whole.length / 2));

        long count = 0;
        try (ReadAheadReader reader = ReadAheadReader.open(file, TraceReader.Mode.VALID_PREFIX)) {
            while (reader.hasNext()) {
                reader.next();
                count++;
            }
            assertFalse(reader.isComplete());
        }

        assertEquals(TraceReader.readValidPrefix(file).events().size(), count);
    }

    @Test
    void closingEarlyStopsTheReading() throws IOException {
        Path file = write(TraceRoundTripTest.write(EVENTS, TraceCodec.DEFLATE));

        try (ReadAheadReader reader = ReadAheadReader.open(file, TraceReader.Mode.COMPLETE)) {
            reader.next();
            // The window fills up and the reading thread waits for room.
            long deadline = System.nanoTime() + 10_000_000_000L;
            boolean waiting;
            while (!(waiting = readingThreads().anyMatch(ReadAheadReaderTest::waitsForRoom)) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertTrue(waiting, "the reading thread waits for room");
        }

        // close() returns once the reading loop has ended; the thread may still be on its way out of it.
        long deadline = System.nanoTime() + 10_000_000_000L;
        boolean stillReading;
        while ((stillReading = readingThreads().anyMatch(ReadAheadReaderTest::reading)) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertFalse(stillReading, "a thread still reads after close");
        Files.delete(file);
    }

    @Test
    void readersOneAfterAnotherShareAReadingThread() throws IOException {
        Path file = write(TraceRoundTripTest.write(EVENTS, TraceCodec.DEFLATE));
        Set<Long> threads = new HashSet<>();
        int readers = 10;
        for (int i = 0; i < readers; i++) {
            try (ReadAheadReader reader = ReadAheadReader.open(file, TraceReader.Mode.COMPLETE)) {
                assertEquals(EVENTS.get(0), reader.next());
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (readingThreads().noneMatch(ReadAheadReaderTest::waitsForRoom) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                readingThreads().filter(ReadAheadReaderTest::waitsForRoom).forEach(thread -> threads.add(thread.getId()));
            }
        }

        // A thread back from one reader may not yet wait for the next when it comes, which then starts another.
        assertTrue(threads.size() <= 3, readers + " readers read by threads " + threads);
    }

    private static Stream<Thread> readingThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals("vblk-trace-reader"));
    }

    /** Whether {@code thread} is inside a reader's decoding loop. */
    private static boolean reading(Thread thread) {
        return reading(thread.getStackTrace());
    }

    private static boolean reading(StackTraceElement[] frames) {
        return Arrays.stream(frames).anyMatch(frame -> frame.getClassName().equals(ReadAheadReader.class.getName())
                && frame.getMethodName().equals("decode"));
    }

    /**
     * Whether {@code thread} is a reader's, waiting for room to hand over a batch: parked on the
     * window's condition, not for a moment on its lock while the caller takes a batch.
     */
    private static boolean waitsForRoom(Thread thread) {
        StackTraceElement[] frames = thread.getStackTrace();
        return thread.getState() == Thread.State.WAITING && reading(frames) && Arrays.stream(frames).anyMatch(
                frame -> frame.getClassName().endsWith("$ConditionObject") && frame.getMethodName().startsWith("await"));
    }

    private Path write(byte[] bytes) throws IOException {
        Path file = Files.createTempFile(dir, "trace", ".avro");
        Files.write(file, bytes);
        return file;
    }
}
