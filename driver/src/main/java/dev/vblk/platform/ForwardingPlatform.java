package dev.vblk.platform;

import dev.vblk.dma.DmaMapping;
import java.util.OptionalLong;

/**
 * A platform that passes every call to another: the base of decorators that change or observe a few
 * calls (instrumentation, test wrappers that stand in for a changed driver or a failing machine).
 */
public class ForwardingPlatform implements Platform {

    private final Platform delegate;

    public ForwardingPlatform(Platform delegate) {
        this.delegate = delegate;
    }

    @Override
    public DmaMapping dmaMapping() {
        return delegate.dmaMapping();
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        return delegate.readRegister(address, width);
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        delegate.writeRegister(address, width, value);
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
    public boolean awaitEdge(int line, long timeoutNanos) {
        return delegate.awaitEdge(line, timeoutNanos);
    }

    @Override
    public long nanoTime() {
        return delegate.nanoTime();
    }
}
