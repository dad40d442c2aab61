package dev.vblk.harness;

import dev.vblk.workload.Step;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;

/**
 * A read sink whose bytes are written by a thread of its own, so that writing them overlaps the
 * device's work on the reads after them: each read is copied into one of a few reused buffers and
 * {@link #save} returns; the thread gives the reads to the wrapped sink in the order they came. At
 * most {@link #BUFFERS} reads wait, so a slow output holds the run back rather than filling memory.
 * A failure of the wrapped sink is thrown by the next {@link #save} or by {@link #close}, which
 * waits until every read is written.
 */
public final class AsyncReadSink implements ReadSink, AutoCloseable {

    /** How many reads may wait to be written. */
    static final int BUFFERS = 8;

    private final ReadSink target;
    private final Deque<Waiting> waiting = new ArrayDeque<>();
    private final Deque<byte[]> free = new ArrayDeque<>();
    private final Thread writer;
    private int buffers;
    private boolean closed;
    private RuntimeException failure;

    /** A read copied into a buffer of the sink, waiting for the thread. */
    private record Waiting(Step.Read step, boolean first, byte[] data) {}

    /** A sink giving each read to {@code target} from its own thread, started now. */
    public AsyncReadSink(ReadSink target) {
        this.target = Objects.requireNonNull(target, "target");
        this.writer = new Thread(this::writeAll, "vblk-read-sink");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Copies the bytes and returns; waits only while {@link #BUFFERS} reads are waiting to be written.
     *
     * @throws RuntimeException what the wrapped sink threw for an earlier read
     */
    @Override
    public void save(Step.Read step, boolean first, byte[] data) {
        byte[] copy;
        synchronized (this) {
            while (failure == null && free.isEmpty() && buffers == BUFFERS) {
                awaitChange();
            }
            throwFailure();
            copy = free.poll();
            if (copy == null) {
                buffers++;
            } else if (copy.length != data.length) {
                copy = null;
            }
        }
        if (copy == null) {
            copy = data.clone();
        } else {
            System.arraycopy(data, 0, copy, 0, data.length);
        }
        synchronized (this) {
            waiting.add(new Waiting(step, first, copy));
            notifyAll();
        }
    }

    /**
     * Waits until every read is written and ends the thread.
     *
     * @throws RuntimeException what the wrapped sink threw, if it failed
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            throwFailure();
        }
    }

    private void writeAll() {
        while (true) {
            Waiting next;
            boolean write;
            synchronized (this) {
                while (waiting.isEmpty() && !closed) {
                    awaitChange();
                }
                next = waiting.poll();
                if (next == null) {
                    return;
                }
                write = failure == null;
            }
            RuntimeException failed = null;
            if (write) {
                try {
                    target.save(next.step(), next.first(), next.data());
                } catch (RuntimeException e) {
                    failed = e;
                }
            }
            synchronized (this) {
                if (failed != null && failure == null) {
                    failure = failed;
                }
                free.add(next.data());
                notifyAll();
            }
        }
    }

    private void awaitChange() {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HarnessException("interrupted while the read bytes were being written", e);
        }
    }

    private void throwFailure() {
        if (failure != null) {
            throw failure;
        }
    }
}
