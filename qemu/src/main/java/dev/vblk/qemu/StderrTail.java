package dev.vblk.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/** Keeps the last lines a process wrote to its standard error, for error messages. */
final class StderrTail {

    private final int capacity;
    private final Deque<String> lines = new ArrayDeque<>();
    private final Thread thread;

    StderrTail(String threadName, InputStream stderr, int capacity) {
        this.capacity = capacity;
        this.thread = new Thread(() -> run(stderr), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void run(InputStream stderr) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stderr, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (lines) {
                    if (lines.size() == capacity) {
                        lines.removeFirst();
                    }
                    lines.addLast(line);
                }
            }
        } catch (IOException e) {
            // The process is gone; what was read is kept.
        }
    }

    /** Waits briefly for the rest of the output of a process that has exited. */
    void awaitEnd(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The kept lines, oldest first, joined by newlines; empty if there were none. */
    String text() {
        synchronized (lines) {
            return String.join("\n", lines);
        }
    }
}
