package dev.vblk.fake.mmio;

import dev.vblk.platform.AccessWidth;

/**
 * A transport with no device plugged in, as QEMU presents it: magic, version 2 and vendor ID read
 * normally, the device ID reads 0, everything else reads 0 and ignores writes.
 */
public final class EmptySlot implements MmioDevice {

    private final DeviceContext context;

    public EmptySlot(DeviceContext context) {
        this.context = context;
    }

    @Override
    public long read(int offset, AccessWidth width) {
        if (offset >= ControlRegister.CONFIG_OFFSET) {
            return 0;
        }
        return ControlAccess.check(context, offset, width, false).map(register -> switch (register) {
            case MAGIC_VALUE -> (long) ControlRegister.MAGIC;
            case VERSION -> 2L;
            case VENDOR_ID -> (long) ControlRegister.QEMU_VENDOR;
            default -> 0L;
        }).orElse(0L);
    }

    @Override
    public void write(int offset, AccessWidth width, long value) {
        if (offset < ControlRegister.CONFIG_OFFSET) {
            ControlAccess.check(context, offset, width, true);
        }
    }

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
