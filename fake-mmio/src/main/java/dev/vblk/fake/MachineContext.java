package dev.vblk.fake;

import dev.vblk.dma.DmaWindows;
import dev.vblk.fake.memory.FrameTable;
import dev.vblk.fake.memory.ReadWatch;
import dev.vblk.fake.memory.SparseRam;
import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.fake.violation.ViolationLog;

/**
 * The context a device on a {@link FakePlatform} sees: its place, DMA to guest RAM (device writes
 * outside allocated frames recorded when the platform checks DMA strictly), the violation log and
 * the virtual time, and watches on the driver's reads of guest memory.
 */
final class MachineContext implements DeviceContext {

    private final long baseAddress;
    private final String place;
    private final SparseRam ram;
    private final FrameTable frames;
    private final boolean strictDma;
    private final DmaWindows dmaWindows;
    private final ViolationLog violations;
    private final VirtualClock clock;
    private final ReadWatch readWatch;

    /**
     * @param place where the device is, for violations: {@code in slot 31}
     * @param strictDma whether a device write outside the allocated {@code frames} is a violation
     * @param dmaWindows what drivers have mapped for device DMA
     */
    MachineContext(long baseAddress, String place, SparseRam ram, FrameTable frames, boolean strictDma,
            DmaWindows dmaWindows, ViolationLog violations, VirtualClock clock, ReadWatch readWatch) {
        this.baseAddress = baseAddress;
        this.place = place;
        this.ram = ram;
        this.frames = frames;
        this.strictDma = strictDma;
        this.dmaWindows = dmaWindows;
        this.violations = violations;
        this.clock = clock;
        this.readWatch = readWatch;
    }

    @Override
    public long baseAddress() {
        return baseAddress;
    }

    @Override
    public boolean inRam(long address, long length) {
        return ram.contains(address, length);
    }

    @Override
    public void dmaRead(long address, byte[] destination, int offset, int length) {
        ram.readMemory(address, destination, offset, length);
    }

    @Override
    public void dmaWrite(long address, byte[] source, int offset, int length) {
        if (strictDma && !frames.isAllocated(address, length)) {
            violations.record(ViolationKind.DEVICE_WRITE_OUTSIDE_ALLOCATION, address, String.format(
                    "device %s wrote %d bytes to memory that is not allocated", place, length));
        }
        ram.writeMemory(address, source, offset, length);
    }

    @Override
    public boolean mapped(long address, long length) {
        return dmaWindows.covers(address, length);
    }

    @Override
    public void violation(ViolationKind kind, long address, String detail) {
        violations.record(kind, address, detail);
    }

    @Override
    public long now() {
        return clock.now();
    }

    @Override
    public void afterDriverRead(long address, long length, Runnable action) {
        readWatch.add(address, length, action);
    }
}
