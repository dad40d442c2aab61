package dev.vblk.recorder;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.BlockDeviceInfo;
import dev.vblk.block.Completion;
import dev.vblk.block.RequestHandle;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * An asynchronous block device that marks its calls in a trace (format 2): each submission begins a
 * submitted operation, each poll or wait is an operation of its own, and inside it every completion
 * delivered ends its submitted operation with the outcome (the SHA-256 of the data read, the id
 * string's bytes, or nothing; or the error kind). A submission that throws ends at once.
 */
public final class RecordingAsyncBlockDevice implements AsyncBlockDevice {

    private static final byte[] NOTHING = new byte[0];

    private final AsyncBlockDevice delegate;
    private final TraceRecorder recorder;
    private final Map<Long, Submitted> submitted = new HashMap<>();

    /** A submission not yet completed: its operation id and the buffer whose data is its outcome. */
    private record Submitted(long operationId, OperationKind kind, byte[] buffer) {}

    private final String name;

    /** Records the calls on {@code delegate} under its id string. */
    public RecordingAsyncBlockDevice(AsyncBlockDevice delegate, TraceRecorder recorder) {
        this(delegate, recorder, delegate.id().toString());
    }

    /** Records the calls on {@code delegate} under {@code name} (a request queue's name). */
    public RecordingAsyncBlockDevice(AsyncBlockDevice delegate, TraceRecorder recorder, String name) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.name = Objects.requireNonNull(name, "name");
    }

    /** The trace operation id of a submitted request not yet completed. */
    private long operationId(RequestHandle handle) {
        Submitted entry = submitted.get(handle.id());
        if (entry == null) {
            throw new IllegalArgumentException(handle + " is not an outstanding submission of this device");
        }
        return entry.operationId();
    }

    @Override
    public BlockDeviceId id() {
        return delegate.id();
    }

    @Override
    public BlockDeviceInfo info() {
        return delegate.info();
    }

    @Override
    public RequestHandle submitRead(long sector, byte[] buffer) {
        return submit(OperationKind.READ, sector, buffer.length / BlockDevice.SECTOR_SIZE, buffer.length, NOTHING,
                buffer, () -> delegate.submitRead(sector, buffer));
    }

    @Override
    public RequestHandle submitWrite(long sector, byte[] data) {
        return submit(OperationKind.WRITE, sector, data.length / BlockDevice.SECTOR_SIZE, 0, data, null,
                () -> delegate.submitWrite(sector, data));
    }

    @Override
    public RequestHandle submitFlush() {
        return submit(OperationKind.FLUSH, 0, 0, 0, NOTHING, null, delegate::submitFlush);
    }

    @Override
    public RequestHandle submitDiscard(long sector, long sectorCount) {
        return submit(OperationKind.DISCARD, sector, sectorCount, 0, NOTHING, null,
                () -> delegate.submitDiscard(sector, sectorCount));
    }

    @Override
    public RequestHandle submitWriteZeroes(long sector, long sectorCount) {
        return submit(OperationKind.WRITE_ZEROES, sector, sectorCount, 0, NOTHING, null,
                () -> delegate.submitWriteZeroes(sector, sectorCount));
    }

    @Override
    public RequestHandle submitSecureErase(long sector, long sectorCount) {
        return submit(OperationKind.SECURE_ERASE, sector, sectorCount, 0, NOTHING, null,
                () -> delegate.submitSecureErase(sector, sectorCount));
    }

    @Override
    public RequestHandle submitGetLifetime(byte[] buffer) {
        return submit(OperationKind.GET_LIFETIME, 0, 0, 0, NOTHING, buffer, () -> delegate.submitGetLifetime(buffer));
    }

    @Override
    public RequestHandle submitGetId(byte[] buffer) {
        return submit(OperationKind.GET_ID, 0, 0, 0, NOTHING, buffer, () -> delegate.submitGetId(buffer));
    }

    private RequestHandle submit(OperationKind kind, long sector, long sectorCount, int readLength, byte[] payload,
            byte[] buffer, Supplier<RequestHandle> call) {
        long id = recorder.beginSubmitted(kind, device(), sector, sectorCount, readLength, payload);
        RequestHandle handle;
        try {
            handle = call.get();
        } catch (RuntimeException | Error e) {
            recorder.endOperation(id, TraceRecorder.failure(e));
            throw e;
        }
        submitted.put(handle.id(), new Submitted(id, kind, buffer));
        return handle;
    }

    @Override
    public List<Completion> poll() {
        return taking(OperationKind.POLL, new long[0], -1, delegate::poll);
    }

    @Override
    public List<Completion> awaitAny(long budgetNanos) {
        return taking(OperationKind.WAIT_ANY, new long[0], budget(budgetNanos), () -> delegate.awaitAny(budgetNanos));
    }

    @Override
    public List<Completion> awaitAll(Collection<RequestHandle> handles, long budgetNanos) {
        long[] awaited = new long[handles.size()];
        int i = 0;
        for (RequestHandle handle : handles) {
            awaited[i++] = operationId(handle);
        }
        return taking(OperationKind.WAIT_ALL, awaited, budget(budgetNanos), () -> delegate.awaitAll(handles, budgetNanos));
    }

    @Override
    public int outstanding() {
        return delegate.outstanding();
    }

    private static long budget(long budgetNanos) {
        return budgetNanos == NO_TIME_BUDGET ? -1 : budgetNanos;
    }

    /** Runs a call that takes completions as one operation, ending each delivered submission inside it. */
    private List<Completion> taking(OperationKind kind, long[] awaited, long budgetNanos, Supplier<List<Completion>> call) {
        long id = recorder.beginWait(kind, device(), awaited, budgetNanos);
        List<Completion> completions;
        try {
            completions = call.get();
        } catch (RuntimeException | Error e) {
            recorder.endOperation(id, TraceRecorder.failure(e));
            throw e;
        }
        StringJoiner order = new StringJoiner(",");
        for (Completion completion : completions) {
            Submitted entry = submitted.remove(completion.handle().id());
            order.add(Long.toString(entry.operationId()));
            recorder.endCompleted(entry.operationId(), entry.kind(), entry.buffer(), completion);
        }
        recorder.endOperation(id, OperationOutcome.Succeeded.ofData(order.toString().getBytes(StandardCharsets.UTF_8)));
        return completions;
    }

    private String device() {
        return name;
    }
}
