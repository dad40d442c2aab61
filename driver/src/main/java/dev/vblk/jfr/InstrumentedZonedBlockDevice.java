package dev.vblk.jfr;

import dev.vblk.block.ZoneDescriptor;
import dev.vblk.block.ZonedBlockDevice;
import dev.vblk.block.ZonedCharacteristics;
import java.util.List;
import java.util.function.Supplier;

/**
 * A zoned device's commands, each emitting a {@link BlockRequestEvent} named {@code zone-report},
 * {@code zone-open}, {@code zone-close}, {@code zone-finish}, {@code zone-reset}, {@code zone-reset-all}
 * or {@code zone-append}, with the zone's first sector and, for an append, the bytes written.
 */
public final class InstrumentedZonedBlockDevice implements ZonedBlockDevice {

    private final String device;
    private final ZonedBlockDevice delegate;

    /**
     * @param device the device's name in the events, as its block device's id names it
     * @param delegate the commands' device
     */
    public InstrumentedZonedBlockDevice(String device, ZonedBlockDevice delegate) {
        this.device = device;
        this.delegate = delegate;
    }

    @Override
    public ZonedCharacteristics characteristics() {
        return delegate.characteristics();
    }

    @Override
    public List<ZoneDescriptor> reportZones(long sector, int maxZones) {
        return timed("zone-report", sector, 0, () -> delegate.reportZones(sector, maxZones));
    }

    @Override
    public void openZone(long zoneStart) {
        run("zone-open", zoneStart, () -> delegate.openZone(zoneStart));
    }

    @Override
    public void closeZone(long zoneStart) {
        run("zone-close", zoneStart, () -> delegate.closeZone(zoneStart));
    }

    @Override
    public void finishZone(long zoneStart) {
        run("zone-finish", zoneStart, () -> delegate.finishZone(zoneStart));
    }

    @Override
    public void resetZone(long zoneStart) {
        run("zone-reset", zoneStart, () -> delegate.resetZone(zoneStart));
    }

    @Override
    public void resetAllZones() {
        run("zone-reset-all", 0, delegate::resetAllZones);
    }

    @Override
    public long zoneAppend(long zoneStart, byte[] data) {
        return timed("zone-append", zoneStart, data.length, () -> delegate.zoneAppend(zoneStart, data));
    }

    private void run(String operation, long zoneStart, Runnable command) {
        BlockRequestTimer.timed(device, operation, zoneStart, 0, command);
    }

    private <T> T timed(String operation, long sector, long bytes, Supplier<T> call) {
        return BlockRequestTimer.timed(device, operation, sector, bytes, call);
    }
}
