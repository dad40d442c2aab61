package dev.vblk.jfr;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;

/** A platform that emits a {@link RegisterAccessEvent} for every register access on another one. */
public final class InstrumentedPlatform extends ForwardingPlatform {

    public InstrumentedPlatform(Platform delegate) {
        super(delegate);
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        RegisterAccessEvent event = new RegisterAccessEvent();
        event.begin();
        long value = super.readRegister(address, width);
        commit(event, address, false, width, value);
        return value;
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        RegisterAccessEvent event = new RegisterAccessEvent();
        event.begin();
        super.writeRegister(address, width, value);
        commit(event, address, true, width, value);
    }

    private static void commit(RegisterAccessEvent event, long address, boolean write, AccessWidth width, long value) {
        event.end();
        if (event.shouldCommit()) {
            event.address = address;
            event.write = write;
            event.widthBits = width.bits();
            event.value = value;
            event.commit();
        }
    }
}
