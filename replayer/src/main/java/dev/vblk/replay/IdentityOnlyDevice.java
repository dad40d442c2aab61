package dev.vblk.replay;

import dev.vblk.fake.mmio.MmioDevice;
import dev.vblk.platform.AccessWidth;
import java.util.Map;
import java.util.TreeMap;

/**
 * A slot that answers only the identity registers a trace recorded (a device of another type, or one
 * the driver could not use), and 0 everywhere else; it never raises its interrupt.
 */
final class IdentityOnlyDevice implements MmioDevice {

    private final Map<Integer, Long> identity;

    IdentityOnlyDevice(Map<Integer, Long> identity) {
        this.identity = new TreeMap<>(identity);
    }

    @Override
    public long read(int offset, AccessWidth width) {
        return identity.getOrDefault(offset, 0L);
    }

    @Override
    public void write(int offset, AccessWidth width, long value) {}

    @Override
    public boolean interruptRaised() {
        return false;
    }

    @Override
    public long nextDueTime() {
        return Long.MAX_VALUE;
    }

    @Override
    public void runDue(long now) {}
}
