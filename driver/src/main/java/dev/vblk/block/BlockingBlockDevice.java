package dev.vblk.block;

import java.util.List;

/**
 * The synchronous {@link BlockDevice} calls over an {@link AsyncBlockDevice}: each call submits its
 * request and waits for that request's completion (the device's own request time budget bounds the
 * wait), then returns or throws the error the completion carries.
 */
public final class BlockingBlockDevice implements BlockDevice {

    private final AsyncBlockDevice device;

    public BlockingBlockDevice(AsyncBlockDevice device) {
        this.device = device;
    }

    @Override
    public BlockDeviceId id() {
        return device.id();
    }

    @Override
    public BlockDeviceInfo info() {
        return device.info();
    }

    @Override
    public void readAt(long sector, byte[] buffer) {
        complete(device.submitRead(sector, buffer));
    }

    @Override
    public void writeAt(long sector, byte[] data) {
        complete(device.submitWrite(sector, data));
    }

    @Override
    public void flush() {
        complete(device.submitFlush());
    }

    @Override
    public void discard(long sector, long sectorCount) {
        complete(device.submitDiscard(sector, sectorCount));
    }

    @Override
    public void writeZeroes(long sector, long sectorCount) {
        complete(device.submitWriteZeroes(sector, sectorCount));
    }

    @Override
    public void secureErase(long sector, long sectorCount) {
        complete(device.submitSecureErase(sector, sectorCount));
    }

    @Override
    public BlockLifetime lifetime() {
        byte[] report = new byte[AsyncBlockDevice.LIFETIME_BYTES];
        complete(device.submitGetLifetime(report));
        return BlockLifetime.of(report);
    }

    @Override
    public String deviceIdString() {
        byte[] id = new byte[AsyncBlockDevice.ID_BYTES];
        complete(device.submitGetId(id));
        return AsyncBlockDevice.idString(id);
    }

    private void complete(RequestHandle handle) {
        await(device, handle);
    }

    /**
     * Waits for {@code handle}'s call on {@code device} to end, without a time budget of its own.
     *
     * @throws BlockDeviceException the error the call ended with
     */
    public static void await(AsyncBlockDevice device, RequestHandle handle) {
        List<Completion> completions = device.awaitAll(List.of(handle), AsyncBlockDevice.NO_TIME_BUDGET);
        if (completions.size() != 1) {
            throw new IllegalStateException(handle + " ended without a completion");
        }
        if (completions.get(0) instanceof Completion.Failed failed) {
            throw failed.error();
        }
    }
}
