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
        timed("read", sector, buffer.length, () -> {
            delegate.readAt(sector, buffer);
            return null;
        });
    }

    @Override
    public void writeAt(long sector, byte[] data) {
        timed("write", sector, data.length, () -> {
            delegate.writeAt(sector, data);
            return null;
        });
    }

    @Override
    public void flush() {
        timed("flush", 0, 0, () -> {
            delegate.flush();
            return null;
        });
    }

    @Override
    public void discard(long sector, long sectorCount) {
        timed("discard", sector, sectorCount * SECTOR_SIZE, () -> {
            delegate.discard(sector, sectorCount);
            return null;
        });
    }

    @Override
    public void writeZeroes(long sector, long sectorCount) {
        timed("write-zeroes", sector, sectorCount * SECTOR_SIZE, () -> {
            delegate.writeZeroes(sector, sectorCount);
            return null;
        });
    }

    @Override
    public void secureErase(long sector, long sectorCount) {
        timed("secure-erase", sector, sectorCount * SECTOR_SIZE, () -> {
            delegate.secureErase(sector, sectorCount);
            return null;
        });
    }

    @Override
    public BlockLifetime lifetime() {
        return timed("get-lifetime", 0, 0, delegate::lifetime);
    }

    @Override
    public String deviceIdString() {
        return timed("get-id", 0, 0, delegate::deviceIdString);
    }

    private <T> T timed(String operation, long sector, long bytes, Supplier<T> call) {
        return BlockRequestTimer.timed(delegate.id().toString(), operation, sector, bytes, call);
    }
}
