package dev.vblk.jfr;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.BlockDeviceInfo;
import dev.vblk.block.BlockLifetime;
import java.util.function.Supplier;

/** A block device that emits a {@link BlockRequestEvent} for every call on another one. */
public final class InstrumentedBlockDevice implements BlockDevice {

    private final BlockDevice delegate;

    public InstrumentedBlockDevice(BlockDevice delegate) {
        this.delegate = delegate;
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
        run("read", sector, buffer.length, () -> delegate.readAt(sector, buffer));
    }

    @Override
    public void writeAt(long sector, byte[] data) {
        run("write", sector, data.length, () -> delegate.writeAt(sector, data));
    }

    @Override
    public void flush() {
        run("flush", 0, 0, () -> delegate.flush());
    }

    @Override
    public void discard(long sector, long sectorCount) {
        run("discard", sector, sectorCount * SECTOR_SIZE, () -> delegate.discard(sector, sectorCount));
    }

    @Override
    public void writeZeroes(long sector, long sectorCount) {
        run("write-zeroes", sector, sectorCount * SECTOR_SIZE, () -> delegate.writeZeroes(sector, sectorCount));
    }

    @Override
    public void secureErase(long sector, long sectorCount) {
        run("secure-erase", sector, sectorCount * SECTOR_SIZE, () -> delegate.secureErase(sector, sectorCount));
    }

    @Override
    public BlockLifetime lifetime() {
        return timed("get-lifetime", 0, 0, delegate::lifetime);
    }

    @Override
    public String deviceIdString() {
        return timed("get-id", 0, 0, delegate::deviceIdString);
    }

    private void run(String operation, long sector, long bytes, Runnable call) {
        BlockRequestTimer.timed(delegate.id().toString(), operation, sector, bytes, call);
    }

    private <T> T timed(String operation, long sector, long bytes, Supplier<T> call) {
        return BlockRequestTimer.timed(delegate.id().toString(), operation, sector, bytes, call);
    }
}
