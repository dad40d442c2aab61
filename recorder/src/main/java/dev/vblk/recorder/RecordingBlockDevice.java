package dev.vblk.recorder;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.BlockDeviceInfo;
import dev.vblk.block.BlockLifetime;
import dev.vblk.trace.OperationKind;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A block device that marks each call on another device as a traced operation: its arguments
 * (with the data of a write) when it begins, and when it ends the SHA-256 of the data returned (a
 * wear report as the device's six bytes) or
 * the error kind of the {@link dev.vblk.block.BlockDeviceException}, which is rethrown unchanged.
 *
 * <p>{@link #id()} and {@link #info()} return values fixed at initialisation and are not recorded.
 * Calls made by several threads at once take turns in arrival order, and an operation's begin is
 * marked when its turn comes: in the trace one call on this device ends before the next begins,
 * which is what lets a strict replay of several threads give each the same turns.
 */
public final class RecordingBlockDevice implements BlockDevice {

    private static final byte[] NOTHING = new byte[0];

    private final BlockDevice delegate;
    private final TraceRecorder recorder;
    private final String name;
    /** Calls from several threads take turns, each marked in the trace when its turn comes. */
    private final ReentrantLock turn = new ReentrantLock(true);

    /** Records the calls on {@code delegate} under its id string. */
    public RecordingBlockDevice(BlockDevice delegate, TraceRecorder recorder) {
        this(delegate, recorder, delegate.id().toString());
    }

    /**
     * Records the calls on {@code delegate} under {@code name} (a device's request queue is named
     * apart from its device, see {@link dev.vblk.session.DriverSession#queueName}).
     */
    public RecordingBlockDevice(BlockDevice delegate, TraceRecorder recorder, String name) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
        this.name = Objects.requireNonNull(name, "name");
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
    public void readAt(long sector, byte[] buffer) {
        inTurn(() -> recorder.recordOperation(OperationKind.READ, device(), sector, buffer.length / SECTOR_SIZE,
                buffer.length, NOTHING,
                () -> {
                    delegate.readAt(sector, buffer);
                    return buffer;
                },
                data -> data));
    }

    @Override
    public void writeAt(long sector, byte[] data) {
        inTurn(() -> recorder.recordOperation(OperationKind.WRITE, device(), sector, data.length / SECTOR_SIZE, 0, data,
                () -> {
                    delegate.writeAt(sector, data);
                    return NOTHING;
                },
                nothing -> nothing));
    }

    @Override
    public void flush() {
        inTurn(() -> recorder.recordOperation(OperationKind.FLUSH, device(), 0, 0, delegate::flush));
    }

    @Override
    public void discard(long sector, long sectorCount) {
        inTurn(() -> recorder.recordOperation(OperationKind.DISCARD, device(), sector, sectorCount,
                () -> delegate.discard(sector, sectorCount)));
    }

    @Override
    public void writeZeroes(long sector, long sectorCount) {
        inTurn(() -> recorder.recordOperation(OperationKind.WRITE_ZEROES, device(), sector, sectorCount,
                () -> delegate.writeZeroes(sector, sectorCount)));
    }

    @Override
    public void secureErase(long sector, long sectorCount) {
        inTurn(() -> recorder.recordOperation(OperationKind.SECURE_ERASE, device(), sector, sectorCount,
                () -> delegate.secureErase(sector, sectorCount)));
    }

    @Override
    public BlockLifetime lifetime() {
        return inTurn(() -> recorder.recordOperation(OperationKind.GET_LIFETIME, device(), 0, 0, 0, NOTHING,
                delegate::lifetime, BlockLifetime::toBytes));
    }

    @Override
    public String deviceIdString() {
        return inTurn(() -> recorder.recordOperation(OperationKind.GET_ID, device(), 0, 0, 0, NOTHING,
                delegate::deviceIdString,
                id -> id.getBytes(StandardCharsets.UTF_8)));
    }

    private String device() {
        return name;
    }

    /** Runs {@code call} when this device's turn comes to the calling thread. */
    private <T> T inTurn(Supplier<T> call) {
        turn.lock();
        try {
            return call.get();
        } finally {
            turn.unlock();
        }
    }

    private void inTurn(Runnable call) {
        inTurn(() -> {
            call.run();
            return null;
        });
    }
}
