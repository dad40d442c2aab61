package dev.vblk.recorder;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.Completion;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceWriter;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The recording side of a trace: takes platform events from a {@link RecordingPlatform} and marks
 * operations around the code that performs them, numbering operations in the order they begin.
 *
 * <p>Thread-safe. Events are appended in the order the calls complete; when the thread appending
 * differs from the one that appended the event before, a {@link TraceEvent.ThreadSwitch} comes
 * first (threads numbered from 0 in the order they first record), so a run on one thread records
 * no switch at all. {@link #recordCall} makes a platform call and records it as one step, so the
 * trace's order of calls is the order the platform saw them.
 */
public final class TraceRecorder implements Closeable {

    private final TraceWriter writer;
    private final Map<Thread, Integer> threadNumbers = new HashMap<>();
    private Thread lastThread;
    private long nextOperationId = 1;

    /** Records into {@code writer}; {@link #close()} closes it. */
    public TraceRecorder(TraceWriter writer) {
        this.writer = Objects.requireNonNull(writer, "writer");
    }

    /** Appends one event, made by the calling thread. */
    public synchronized void record(TraceEvent event) {
        noteThread();
        writer.append(event);
    }

    /**
     * Makes the platform call {@code read}, which reads {@code length} bytes of guest memory at
     * {@code address} into {@code destination} from {@code offset}, and records it as a
     * {@link TraceEvent.MemoryRead}, with no other thread's call or event in between.
     */
    public synchronized void recordMemoryRead(Runnable read, long address, byte[] destination, int offset, int length) {
        read.run();
        noteThread();
        writer.appendMemoryRead(address, destination, offset, length);
    }

    /**
     * Makes the platform call {@code write}, which writes {@code length} bytes of {@code source} from
     * {@code offset} to guest memory at {@code address}, and records it as a
     * {@link TraceEvent.MemoryWrite}, with no other thread's call or event in between.
     */
    public synchronized void recordMemoryWrite(Runnable write, long address, byte[] source, int offset, int length) {
        write.run();
        noteThread();
        writer.appendMemoryWrite(address, source, offset, length);
    }

    /** Appends {@code begin}, which has no payload of its own, with {@code payload} (copied by the writer). */
    private void begin(TraceEvent.OperationBegin begin, byte[] payload) {
        noteThread();
        writer.appendBegin(begin, payload, 0, payload.length);
    }

    /** Writes a thread switch first when the calling thread is not the one that recorded last. */
    private void noteThread() {
        Thread thread = Thread.currentThread();
        if (thread != lastThread) {
            if (lastThread == null) {
                threadNumbers.put(thread, 0);
            } else {
                Integer number = threadNumbers.computeIfAbsent(thread, t -> threadNumbers.size());
                writer.append(new TraceEvent.ThreadSwitch(number, thread.getName()));
            }
            lastThread = thread;
        }
    }

    /**
     * Makes the platform call {@code call} and records the event {@code event} makes of its result,
     * with no other thread's call or event in between.
     */
    public synchronized <T> T recordCall(Supplier<T> call, Function<T, TraceEvent> event) {
        T result = call.get();
        record(event.apply(result));
        return result;
    }

    /**
     * Marks the start of an operation and returns its id for {@link #endOperation}.
     *
     * @param device the device's identifier, empty when the operation is not tied to one device
     * @param readLength for {@link OperationKind#READ} the caller's buffer length in bytes, else 0
     * @param payload for {@link OperationKind#WRITE} the data written, else empty
     */
    public synchronized long beginOperation(
            OperationKind kind, String device, long sector, long sectorCount, int readLength, byte[] payload) {
        long id = nextOperationId++;
        begin(new TraceEvent.OperationBegin(id, kind, device, sector, sectorCount, readLength, new byte[0]), payload);
        return id;
    }

    /**
     * Marks the start of a submitted operation (format 2): its end comes when its completion is
     * delivered, inside a later operation that takes completions.
     */
    public synchronized long beginSubmitted(
            OperationKind kind, String device, long sector, long sectorCount, int readLength, byte[] payload) {
        long id = nextOperationId++;
        begin(new TraceEvent.OperationBegin(id, kind, device, sector, sectorCount, readLength, new byte[0], true,
                new long[0], -1), payload);
        return id;
    }

    /**
     * Marks the start of an operation that takes completions: a POLL, WAIT_ANY or WAIT_ALL of the
     * submitted operations {@code awaited}, with a budget of {@code budgetNanos} (-1 for none).
     */
    public synchronized long beginWait(OperationKind kind, String device, long[] awaited, long budgetNanos) {
        long id = nextOperationId++;
        record(new TraceEvent.OperationBegin(id, kind, device, 0, 0, 0, new byte[0], false, awaited, budgetNanos));
        return id;
    }

    /** Marks the end of an operation. */
    public void endOperation(long operationId, OperationOutcome outcome) {
        record(new TraceEvent.OperationEnd(operationId, outcome));
    }

    /**
     * Marks the end of an operation that succeeded returning {@code data} (a copy is kept): its
     * outcome is {@link OperationOutcome.Succeeded#ofData}, worked out off the calling thread.
     */
    public synchronized void endSucceeded(long operationId, byte[] data) {
        noteThread();
        writer.appendSucceeded(operationId, data, 0, data.length);
    }

    /**
     * Runs {@code body} as one operation that returns no data. A thrown exception is recorded as
     * {@link OperationOutcome.Failed} and rethrown unchanged.
     */
    public void recordOperation(OperationKind kind, String device, long sector, long sectorCount, Runnable body) {
        recordOperation(kind, device, sector, sectorCount, 0, new byte[0], () -> {
            body.run();
            return null;
        }, result -> new byte[0]);
    }

    /**
     * Runs {@code body} as one operation. On return the outcome is the SHA-256 of
     * {@code returnedData.apply(result)}; a thrown exception is recorded as
     * {@link OperationOutcome.Failed} and rethrown unchanged.
     */
    public <T> T recordOperation(
            OperationKind kind,
            String device,
            long sector,
            long sectorCount,
            int readLength,
            byte[] payload,
            Supplier<T> body,
            Function<? super T, byte[]> returnedData) {
        long id = beginOperation(kind, device, sector, sectorCount, readLength, payload);
        T result;
        try {
            result = body.get();
        } catch (RuntimeException | Error e) {
            endOperation(id, failure(e));
            throw e;
        }
        endSucceeded(id, returnedData.apply(result));
        return result;
    }

    /**
     * Marks the end of a submitted {@code kind} call as {@code completion} completed it, its buffer
     * (READ, GET_ID; else null) holding what it returned: recorded as a synchronous call's outcome is.
     */
    public void endCompleted(long operationId, OperationKind kind, byte[] buffer, Completion completion) {
        if (completion instanceof Completion.Failed failed) {
            endOperation(operationId, failure(failed.error()));
        } else if (kind == OperationKind.READ || kind == OperationKind.GET_LIFETIME) {
            endSucceeded(operationId, buffer);
        } else if (kind == OperationKind.GET_ID) {
            endSucceeded(operationId, AsyncBlockDevice.idString(buffer).getBytes(StandardCharsets.UTF_8));
        } else {
            endSucceeded(operationId, new byte[0]);
        }
    }

    /** The outcome recorded for an exception: its error kind if a block device error, else its class. */
    public static OperationOutcome.Failed failure(Throwable e) {
        String kind = e instanceof BlockDeviceException blockError ? blockError.kind().name() : e.getClass().getName();
        return new OperationOutcome.Failed(kind, e.getMessage() == null ? "" : e.getMessage());
    }

    /** Closes the trace with its end marker. */
    @Override
    public void close() {
        writer.close();
    }
}
