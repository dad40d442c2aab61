package dev.vblk.fuzz.scenario;

import dev.vblk.virtio.MmioRegister;

/** Every 32-bit read of the control register at {@code offset} returns {@code value} instead. */
public record RegisterOverride(int offset, long value) {

    public RegisterOverride {
        value &= 0xffff_ffffL;
    }

    @Override
    public String toString() {
        return MmioRegister.describeOffset(offset) + " reads 0x" + Long.toHexString(value);
    }
}
