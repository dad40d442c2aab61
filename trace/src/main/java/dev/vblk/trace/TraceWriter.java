package dev.vblk.trace;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Stores a sequence of trace events in an Avro data file, off the recording thread and
 * crash-safely: the file on disk is always a readable trace prefix.
 *
 * <p>The threads that append only queue what they append (copying a memory access's bytes once).
 * A writer thread of its own encodes the queue into Avro blocks, stores each shared payload once
 * ({@link BlockWriter}), closes each block with a checkpoint (the CRC32C of its entries),
 * compresses it and hands it to the operating system. It takes the queue when
 * {@link #BATCH_BYTES} are waiting, and at the latest {@link #FLUSH_INTERVAL_MILLIS} after the
 * oldest waiting entry was appended; an appending thread waits only while {@link #QUEUE_BYTES} are
 * queued, when the writer cannot keep up. So a process killed outright loses at most what was
 * appended in the last {@link #FLUSH_INTERVAL_MILLIS} or so, and at most {@link #QUEUE_BYTES} plus
 * one batch being written.
 *
 * <p>{@link #close()} writes what is queued and the end marker that makes the trace complete, and
 * forces the file to the device; {@link #abandon()} does the same without the end marker, for a run
 * that stopped early. A writer of a file also abandons it when the JVM shuts down first (SIGTERM,
 * SIGINT, {@code System.exit}), so what was appended is written. A file being written is locked:
 * a second writer of the same file fails instead of mixing two traces.
 *
 * <p>Thread-safe. I/O failures surface as {@link TraceWriteException}, naming the file, from the
 * next call after the writer thread met them.
 */
public final class TraceWriter implements Closeable {

    /** Queued bytes at which appending threads wait for the writer thread. */
    public static final long QUEUE_BYTES = 4L << 20;

    /** Queued bytes at which the writer thread takes the queue at once. */
    public static final long BATCH_BYTES = 256L << 10;

    /** The longest an appended entry waits in the queue before the writer thread takes it. */
    public static final long FLUSH_INTERVAL_MILLIS = 100;

    /** The bytes an entry without a payload is counted for in the queue. */
    private static final int ENTRY_BYTES = 32;

    /** A memory access whose bytes the writer owns. */
    private record Memory(boolean write, long address, byte[] data) {}

    /** The start of an operation whose payload, which the writer owns, is given apart. */
    private record Begin(TraceEvent.OperationBegin begin, byte[] payload) {}

    /** The end of an operation that succeeded returning {@code data}, which the writer owns. */
    private record Returned(long operationId, byte[] data) {}

    private final String name;
    private final PayloadBuffers buffers;
    private final BlockWriter blocks;
    private final ReentrantLock queueLock = new ReentrantLock();
    private final Condition work = queueLock.newCondition();
    private final Condition room = queueLock.newCondition();
    private final Condition written = queueLock.newCondition();
    private final Thread thread;
    private final Thread shutdownHook;
    private List<Object> queue = new ArrayList<>();
    private List<Object> spare = new ArrayList<>();
    private long queuedBytes;
    private long queuedSince;
    private long appended;
    private long writtenEntries;
    private long flushWanted;
    private long eventCount;
    private boolean stopping;
    private boolean complete;
    private boolean finished;
    private TraceWriteException failure;

    private TraceWriter(BlockWriter blocks, PayloadBuffers buffers, String name, boolean hook) {
        this.blocks = blocks;
        this.buffers = buffers;
        this.name = name;
        this.thread = new Thread(this::writeQueue, "vblk-trace-writer");
        thread.setDaemon(true);
        this.shutdownHook = hook ? new Thread(this::abandonQuietly, "vblk-trace-shutdown") : null;
        thread.start();
        if (shutdownHook != null) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    /** Creates (or replaces) a trace file with the default codec. */
    public static TraceWriter create(Path path, TraceMetadata metadata) {
        return create(path, metadata, TraceCodec.DEFAULT);
    }

    /**
     * Creates (or replaces) a trace file.
     *
     * @throws TraceWriteException if the file cannot be written, or another writer is writing it
     */
    public static TraceWriter create(Path path, TraceMetadata metadata, TraceCodec codec) {
        PayloadBuffers buffers = new PayloadBuffers();
        return new TraceWriter(TraceOutput.file(path, metadata, codec, buffers), buffers, path.toString(), true);
    }

    /** Writes a trace to a stream, which {@link #close()} closes. */
    public static TraceWriter create(OutputStream out, TraceMetadata metadata, TraceCodec codec) {
        PayloadBuffers buffers = new PayloadBuffers();
        return new TraceWriter(TraceOutput.stream(out, metadata, codec, buffers), buffers, "stream", false);
    }

    /** Appends an event. */
    public void append(TraceEvent event) {
        int bytes = ENTRY_BYTES;
        if (event instanceof TraceEvent.MemoryRead read) {
            bytes += read.length();
        } else if (event instanceof TraceEvent.MemoryWrite write) {
            bytes += write.length();
        } else if (event instanceof TraceEvent.OperationBegin begin) {
            bytes += begin.payloadLength();
        }
        enqueue(event, bytes, true);
    }

    /** Appends a {@link TraceEvent.MemoryRead} of {@code length} bytes of {@code source} from {@code offset}. */
    public void appendMemoryRead(long address, byte[] source, int offset, int length) {
        byte[] data = copy(source, offset, length);
        enqueue(new Memory(false, address, data), ENTRY_BYTES + length, true);
    }

    /** Appends a {@link TraceEvent.MemoryWrite} of {@code length} bytes of {@code source} from {@code offset}. */
    public void appendMemoryWrite(long address, byte[] source, int offset, int length) {
        byte[] data = copy(source, offset, length);
        enqueue(new Memory(true, address, data), ENTRY_BYTES + length, true);
    }

    /**
     * Appends {@code begin}, an {@link TraceEvent.OperationBegin} with no payload of its own, whose
     * payload is {@code length} bytes of {@code source} from {@code offset} (copied): the event
     * {@link #append} would take with that payload, without an array made for it.
     */
    public void appendBegin(TraceEvent.OperationBegin begin, byte[] source, int offset, int length) {
        if (begin.payloadLength() != 0) {
            throw new IllegalArgumentException("the begin carries a payload of its own");
        }
        enqueue(new Begin(begin, copy(source, offset, length)), ENTRY_BYTES + length, true);
    }

    /**
     * Appends the {@link TraceEvent.OperationEnd} of operation {@code operationId}, which succeeded
     * returning {@code length} bytes of {@code data} from {@code offset} (copied): its outcome is
     * {@link OperationOutcome.Succeeded#ofData}, worked out by the writer thread.
     */
    public void appendSucceeded(long operationId, byte[] data, int offset, int length) {
        enqueue(new Returned(operationId, copy(data, offset, length)), ENTRY_BYTES + length, true);
    }

    /** A copy of a payload, into an array the writer thread gives back once the trace no longer needs it. */
    private byte[] copy(byte[] source, int offset, int length) {
        byte[] data = buffers.take(length);
        System.arraycopy(source, offset, data, 0, length);
        return data;
    }

    private void enqueue(Object entry, long bytes, boolean event) {
        queueLock.lock();
        try {
            ensureOpen();
            while (queuedBytes >= QUEUE_BYTES && failure == null) {
                room.awaitUninterruptibly();
            }
            throwFailure();
            if (queue.isEmpty()) {
                queuedSince = System.nanoTime();
                work.signal();
            }
            queue.add(entry);
            long before = queuedBytes;
            queuedBytes += bytes;
            appended++;
            if (event) {
                eventCount++;
            }
            if (before < BATCH_BYTES && queuedBytes >= BATCH_BYTES) {
                work.signal();
            }
        } finally {
            queueLock.unlock();
        }
    }

    /** Waits until everything appended so far is written and handed to the operating system. */
    public void checkpoint() {
        queueLock.lock();
        try {
            ensureOpen();
            long target = appended;
            flushWanted = Math.max(flushWanted, target);
            work.signal();
            while (writtenEntries < target && failure == null) {
                written.awaitUninterruptibly();
            }
            throwFailure();
        } finally {
            queueLock.unlock();
        }
    }

    /** Number of events appended so far. */
    public long eventCount() {
        queueLock.lock();
        try {
            return eventCount;
        } finally {
            queueLock.unlock();
        }
    }

    /** Writes what is queued and the end marker, forces the file to the device and closes it. */
    @Override
    public void close() {
        stop(true);
    }

    /**
     * Writes what is queued and closes the file without the end marker: it reads as a trace cut
     * short whose events are all intact. For a run that stopped before its end. Idempotent; does
     * nothing after {@link #close()}.
     */
    public void abandon() {
        stop(false);
    }

    private void abandonQuietly() {
        try {
            abandon();
        } catch (TraceWriteException e) {
            // The JVM is shutting down; the file holds what could be written.
        }
    }

    private void stop(boolean withEnd) {
        queueLock.lock();
        try {
            if (!stopping) {
                stopping = true;
                complete = withEnd;
                work.signal();
            }
            while (!finished) {
                written.awaitUninterruptibly();
            }
        } finally {
            queueLock.unlock();
        }
        releaseShutdownHook();
        queueLock.lock();
        try {
            throwFailure();
        } finally {
            queueLock.unlock();
        }
    }

    private void releaseShutdownHook() {
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook finds the writer finished.
            }
        }
    }

    /** The writer thread: takes the queue batch by batch and writes it, until stopped or failed. */
    private void writeQueue() {
        try {
            while (true) {
                List<Object> batch;
                boolean last;
                queueLock.lock();
                try {
                    awaitBatch();
                    batch = queue;
                    queue = spare;
                    spare = null;
                    queuedBytes = 0;
                    last = stopping;
                    room.signalAll();
                } finally {
                    queueLock.unlock();
                }
                for (Object entry : batch) {
                    write(entry);
                }
                blocks.flush();
                if (last) {
                    blocks.finish(complete, eventCount());
                }
                queueLock.lock();
                try {
                    writtenEntries += batch.size();
                    batch.clear();
                    spare = batch;
                    if (last) {
                        finished = true;
                    }
                    written.signalAll();
                } finally {
                    queueLock.unlock();
                }
                if (last) {
                    break;
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            fail(e);
        }
    }

    /** Waits (holding the queue lock) until a batch is due: stopping, a flush wanted, enough bytes, or the interval. */
    private void awaitBatch() {
        while (!stopping && flushWanted <= writtenEntries && queuedBytes < BATCH_BYTES) {
            if (queue.isEmpty()) {
                work.awaitUninterruptibly();
                continue;
            }
            long due = queuedSince + TimeUnit.MILLISECONDS.toNanos(FLUSH_INTERVAL_MILLIS) - System.nanoTime();
            if (due <= 0) {
                return;
            }
            try {
                work.awaitNanos(due);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void write(Object entry) throws IOException {
        if (entry instanceof Memory memory) {
            blocks.memory(memory.write(), memory.address(), memory.data(), true);
        } else if (entry instanceof Begin begin) {
            blocks.begin(begin.begin(), begin.payload(), true);
        } else if (entry instanceof Returned returned) {
            blocks.succeeded(returned.operationId(), returned.data());
        } else {
            blocks.add((TraceEvent) entry);
        }
    }

    private void fail(Throwable cause) {
        queueLock.lock();
        try {
            failure = new TraceWriteException(name, cause instanceof IOException io ? io : new IOException(cause));
            finished = true;
            room.signalAll();
            written.signalAll();
        } finally {
            queueLock.unlock();
        }
        blocks.closeQuietly();
    }

    private void ensureOpen() {
        if (stopping) {
            throw new IllegalStateException("the trace writer is closed");
        }
    }

    private void throwFailure() {
        if (failure != null) {
            throw failure;
        }
    }
}
