package dev.vblk.fuzz.coverage;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;

/**
 * A platform decorator that notes each register access inside an MMIO window into a
 * {@link BehaviourCoverage}, by its offset in its slot; everything passes through unchanged.
 */
public final class CoverageProbe extends ForwardingPlatform {

    private final MmioWindow window;
    private final BehaviourCoverage coverage;

    public CoverageProbe(Platform inner, MmioWindow window, BehaviourCoverage coverage) {
        super(inner);
        this.window = window;
        this.coverage = coverage;
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        long value = super.readRegister(address, width);
        coverage.addAccess(window, false, address, value);
        return value;
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        coverage.addAccess(window, true, address, value);
        super.writeRegister(address, width, value);
    }
}
