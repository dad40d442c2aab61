package dev.vblk.recorder;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.BlockDeviceInfo;
import dev.vblk.trace.OperationKind;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A block device that marks each call on another device as a traced operation: its arguments
 * (with the data of a write) when it begins, and when it ends the SHA-256 of the data returned or
 * the error kind of the {@link dev.vblk.block.BlockDeviceException}, which is rethrown unchanged.
 *
 * <p>{@link #id()} and {@link #info()} return values fixed at initialisation and are not recorded.
 */
public final class RecordingBlockDevice implements BlockDevice {

    private static final byte[] NOTHING = new byte[0];

    private final BlockDevice delegate;
    private final TraceRecorder recorder;

    public RecordingBlockDevice(BlockDevice delegate, TraceRecorder recorder) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.recorder = Objects.requireNonNull(recorder, "recorder");
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
        recorder.recordOperation(OperationKind.READ, device(), sector, buffer.length / SECTOR_SIZE, buffer.length, NOTHING,
                () -> {
                    delegate.readAt(sector, buffer);
                    return buffer;
                },
                data -> data);
    }

    @Override
    public void writeAt(long sector, byte[] data) {
        recorder.recordOperation(OperationKind.WRITE, device(), sector, data.length / SECTOR_SIZE, 0, data,
                () -> {
                    delegate.writeAt(sector, data);
                    return NOTHING;
                },
                nothing -> nothing);
    }

    @Override
    public void flush() {
        recorder.recordOperation(OperationKind.FLUSH, device(), 0, 0, delegate::flush);
    }

    @Override
    public void discard(long sector, long sectorCount) {
        recorder.recordOperation(OperationKind.DISCARD, device(), sector, sectorCount,
                () -> delegate.discard(sector, sectorCount));
    }

    @Override
    public void writeZeroes(long sector, long sectorCount) {
        recorder.recordOperation(OperationKind.WRITE_ZEROES, device(), sector, sectorCount,
                () -> delegate.writeZeroes(sector, sectorCount));
    }

    @Override
    public String deviceIdString() {
        return recorder.recordOperation(OperationKind.GET_ID, device(), 0, 0, 0, NOTHING,
                delegate::deviceIdString,
                id -> id.getBytes(StandardCharsets.UTF_8));
    }

    private String device() {
        return delegate.id().toString();
    }
}
