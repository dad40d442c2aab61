package dev.vblk.trace;

import java.io.Closeable;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link TraceReader} that reads, decompresses, checks and decodes the file on a thread of its
 * own, ahead of its caller, into a bounded window: at most {@link #BATCHES} batches of at most
 * {@link #BATCH_EVENTS} events or {@link #BATCH_BYTES} bytes of data each wait for the caller, so a
 * caller that consumes events as fast as they are decoded never waits for the file, and memory is
 * bounded whatever the trace's length. While the caller has no batch waiting (at the start), a
 * batch is handed over every {@link #STARVING_EVENTS} events. The batches' arrays are used again once the caller is past
 * them.
 *
 * <p>It hands out exactly what the reader would, in the same order: only events covered by a
 * verified checkpoint; a damaged or (in {@link TraceReader.Mode#COMPLETE}) cut-short file throws the
 * reader's {@link TraceFormatException} from {@link #hasNext()} once the events before the damage
 * are used up, and iteration ends after it. The header is read by {@link #open}, on the calling
 * thread, so a file that is not a trace fails there.
 *
 * <p>The reading threads are daemon threads kept for the readers that follow (a replay reads its
 * trace again for each pass, a corpus one trace after another): starting a thread for each reader
 * cost a replay of 18,760 events 0.2 to 0.4 ms before its first event, and the new thread's cold
 * caches more. A thread left idle for {@link #IDLE_SECONDS} ends.
 */
public final class ReadAheadReader implements Iterator<TraceEvent>, Closeable {

    /** The most events in one batch. */
    static final int BATCH_EVENTS = 1024;

    /** A batch is handed over once its events carry this many bytes of data. */
    static final long BATCH_BYTES = 256L << 10;

    /** A batch is handed over after a multiple of this many events when the caller has none waiting. */
    static final int STARVING_EVENTS = 64;

    /** The most batches decoded and not yet taken. */
    static final int BATCHES = 16;

    /**
     * How many times a caller with no batch waiting looks again before it blocks, when the JVM has
     * more than one processor: about as long as the reading thread takes to decode a batch of
     * {@link #STARVING_EVENTS}. A caller that blocks has the reading thread wake it (a system call on
     * the reading thread, which bounds a replay from a file) for every batch.
     */
    static final int SPINS = 2_000;

    private static final boolean SPINNING = Runtime.getRuntime().availableProcessors() > 1;

    /** How long a reading thread waits for another reader before it ends. */
    static final int IDLE_SECONDS = 30;

    /** The threads that read ahead, each named {@code vblk-trace-reader}. */
    private static final ExecutorService READING_THREADS = readingThreads();

    /** Events decoded on the reading thread; the last batch says how the reading ended. */
    private static final class Batch {
        final TraceEvent[] events = new TraceEvent[BATCH_EVENTS];
        int size;
        boolean last;
        boolean complete;
        /** Why the reading stopped early: a {@link RuntimeException} of the reader's, or an {@link Error}. */
        Throwable failure;
    }

    private final TraceReader reader;
    private final BlockingQueue<Batch> ready = new ArrayBlockingQueue<>(BATCHES);
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(BATCHES + 2);
    /** Counted down when the reading thread is done with this reader and has closed it. */
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closed;
    /** Batches the reading thread has put in {@link #ready}, for a caller to look at without a lock. */
    private final AtomicLong batchesReady = new AtomicLong();
    private long batchesTaken;
    private Batch current;
    private int at;
    private long handedOut;

    private ReadAheadReader(TraceReader reader) {
        this.reader = reader;
        READING_THREADS.execute(this::decode);
    }

    private static ExecutorService readingThreads() {
        ThreadPoolExecutor pool = (ThreadPoolExecutor) Executors.newCachedThreadPool(task -> {
            Thread thread = new Thread(task, "vblk-trace-reader");
            thread.setDaemon(true);
            return thread;
        });
        pool.setKeepAliveTime(IDLE_SECONDS, TimeUnit.SECONDS);
        return pool;
    }

    /** Opens a trace file, reading its header here, and starts decoding its events. */
    public static ReadAheadReader open(Path path, TraceReader.Mode mode) {
        return over(TraceReader.open(path, mode));
    }

    /**
     * Starts decoding the events of {@code reader}, which has handed out none yet, on a thread of its
     * own; closing the result closes the reader.
     */
    public static ReadAheadReader over(TraceReader reader) {
        return new ReadAheadReader(reader);
    }

    /** The trace's metadata, read from the file header. */
    public TraceMetadata metadata() {
        return reader.metadata();
    }

    @Override
    public boolean hasNext() {
        while (current == null || at == current.size) {
            if (current != null && current.last) {
                Throwable failure = current.failure;
                current.failure = null;
                if (failure instanceof RuntimeException reading) {
                    throw reading;
                }
                if (failure != null) {
                    throw (Error) failure;
                }
                return false;
            }
            if (current != null) {
                free.offer(current);
            }
            current = take();
            at = 0;
        }
        return true;
    }

    @Override
    public TraceEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more events in the trace");
        }
        TraceEvent event = current.events[at];
        current.events[at++] = null;
        handedOut++;
        return event;
    }

    /** Number of events handed out so far. */
    public long eventsRead() {
        return handedOut;
    }

    /** Whether the whole file was read and ended with a verified end marker. */
    public boolean isComplete() {
        return current != null && current.last && current.complete && at == current.size;
    }

    /**
     * Stops the reading and closes the file, once the reading thread has let go of it: the batches
     * waiting are dropped, so a reading thread waiting for room goes on, sees the reader closed and
     * stops after at most one more batch.
     */
    @Override
    public void close() {
        closed = true;
        ready.clear();
        boolean interrupted = false;
        while (stopped.getCount() > 0) {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private Batch take() {
        for (int i = 0; SPINNING && i < SPINS && batchesReady.get() == batchesTaken; i++) {
            Thread.onSpinWait();
        }
        batchesTaken++;
        try {
            return ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the trace's next events", e);
        }
    }

    /** The reading thread: decodes batch after batch until the trace ends, fails, or the caller closes. */
    private void decode() {
        try (reader) {
            boolean more = true;
            while (more && !closed) {
                Batch batch = free.poll();
                if (batch == null) {
                    batch = new Batch();
                }
                batch.size = 0;
                long bytes = 0;
                try {
                    while (batch.size < BATCH_EVENTS && bytes < BATCH_BYTES && (more = reader.hasNext())) {
                        TraceEvent event = reader.next();
                        batch.events[batch.size++] = event;
                        bytes += dataBytes(event);
                        if (batch.size % STARVING_EVENTS == 0 && ready.isEmpty()) {
                            break;
                        }
                    }
                    if (!more) {
                        batch.last = true;
                        batch.complete = reader.isComplete();
                    }
                } catch (RuntimeException | Error e) {
                    batch.last = true;
                    batch.failure = e;
                    more = false;
                }
                ready.put(batch);
                batchesReady.incrementAndGet();
            }
        } catch (InterruptedException e) {
            // Nothing interrupts a reading thread; were one interrupted, nothing would wait for the rest.
        } catch (RuntimeException e) {
            // Closing the file failed once every event was handed over or the caller closed: nothing waits for it.
        } finally {
            stopped.countDown();
        }
    }

    private static long dataBytes(TraceEvent event) {
        if (event instanceof TraceEvent.MemoryRead read) {
            return read.length();
        }
        if (event instanceof TraceEvent.MemoryWrite write) {
            return write.length();
        }
        return event instanceof TraceEvent.OperationBegin begin ? begin.payloadLength() : 0;
    }
}
