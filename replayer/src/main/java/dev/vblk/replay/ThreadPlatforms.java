package dev.vblk.replay;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.Platform;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The platform the driver sees in a strict replay of several threads: each call goes to the
 * {@link ReplayPlatform} of the replay thread that makes it, which answers from that thread's events.
 */
final class ThreadPlatforms implements Platform {

    private final Map<Thread, Platform> byThread = new ConcurrentHashMap<>();

    /** Answers the calling thread's calls from {@code platform}. */
    void register(Platform platform) {
        byThread.put(Thread.currentThread(), platform);
    }

    private Platform caller() {
        Platform platform = byThread.get(Thread.currentThread());
        if (platform == null) {
            throw new IllegalStateException("thread " + Thread.currentThread().getName()
                    + " is no thread of the replayed run");
        }
        return platform;
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        return caller().readRegister(address, width);
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        caller().writeRegister(address, width, value);
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        caller().readMemory(address, destination, offset, length);
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        caller().writeMemory(address, source, offset, length);
    }

    @Override
    public OptionalLong allocateFrames(int frameCount, long alignment) {
        return caller().allocateFrames(frameCount, alignment);
    }

    @Override
    public void freeFrames(long address, int frameCount) {
        caller().freeFrames(address, frameCount);
    }

    @Override
    public boolean awaitInterrupt(int line, long timeoutNanos) {
        return caller().awaitInterrupt(line, timeoutNanos);
    }

    @Override
    public boolean awaitEdge(int line, long timeoutNanos) {
        return caller().awaitEdge(line, timeoutNanos);
    }

    @Override
    public long nanoTime() {
        return caller().nanoTime();
    }
}
