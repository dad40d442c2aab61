package dev.vblk.jfr;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.Platform;
import java.util.OptionalLong;

/** A platform that emits a {@link RegisterAccessEvent} for every register access on another one. */
public final class InstrumentedPlatform implements Platform {

    private final Platform delegate;

    public InstrumentedPlatform(Platform delegate) {
        this.delegate = delegate;
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        RegisterAccessEvent event = new RegisterAccessEvent();
        event.begin();
        long value = delegate.readRegister(address, width);
        commit(event, address, false, width, value);
        return value;
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        RegisterAccessEvent event = new RegisterAccessEvent();
        event.begin();
        delegate.writeRegister(address, width, value);
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

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        delegate.readMemory(address, destination, offset, length);
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        delegate.writeMemory(address, source, offset, length);
    }

    @Override
    public OptionalLong allocateFrames(int frameCount, long alignment) {
        return delegate.allocateFrames(frameCount, alignment);
    }

    @Override
    public void freeFrames(long address, int frameCount) {
        delegate.freeFrames(address, frameCount);
    }

    @Override
    public boolean awaitInterrupt(int line, long timeoutNanos) {
        return delegate.awaitInterrupt(line, timeoutNanos);
    }

    @Override
    public long nanoTime() {
        return delegate.nanoTime();
    }
}
