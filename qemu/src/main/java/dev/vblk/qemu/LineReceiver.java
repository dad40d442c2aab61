package dev.vblk.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Reads a line protocol on its own daemon thread, handing asynchronous lines to a handler and
 * queueing the rest as replies for the one request in flight.
 */
final class LineReceiver {

    /** Marks the end of the stream in the reply queue. */
    private static final String END = new String("<end of stream>");

    private final BlockingQueue<String> replies = new LinkedBlockingQueue<>();
    private final Predicate<String> asyncHandler;
    private final Runnable onEnd;
    private volatile boolean ended;

    /**
     * @param asyncHandler called on the reader thread for every line; returns true if it consumed
     *     the line as an asynchronous event
     * @param onEnd called on the reader thread once the stream ends
     */
    LineReceiver(String threadName, InputStream in, Predicate<String> asyncHandler, Runnable onEnd) {
        this.asyncHandler = asyncHandler;
        this.onEnd = onEnd;
        Thread thread = new Thread(() -> run(in), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!asyncHandler.test(line)) {
                    replies.add(line);
                }
            }
        } catch (IOException e) {
            // The stream broke; treated like its end.
        } finally {
            ended = true;
            replies.add(END);
            onEnd.run();
        }
    }

    /** Whether the stream has ended. */
    boolean ended() {
        return ended;
    }

    /**
     * The next reply line.
     *
     * @return the line, or {@code null} if none arrived in time
     * @throws StreamEndedException if the stream ended before a reply
     */
    String next(long timeoutNanos) throws InterruptedException, StreamEndedException {
        String line = replies.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        if (line == END) {
            replies.add(END);
            throw new StreamEndedException();
        }
        return line;
    }

    /** The stream ended while a reply was awaited. */
    static final class StreamEndedException extends Exception {
        private static final long serialVersionUID = 1L;

        StreamEndedException() {
            super(null, null, false, false);
        }
    }
}
