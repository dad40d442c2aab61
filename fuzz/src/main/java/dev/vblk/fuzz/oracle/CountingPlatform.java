package dev.vblk.fuzz.oracle;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;

/**
 * A platform decorator that counts the calls a driver makes, stops a driver call that exceeds its
 * budget by throwing {@link CallBudgetExceeded}, and notes every register access outside the one
 * transport window the driver was given.
 */
public final class CountingPlatform extends ForwardingPlatform {

    private final long windowBase;
    private final long windowSize;
    private final long budget;
    private final List<String> strayRegisterAccesses = new ArrayList<>();
    private final RegisterAccesses accessesInCall = new RegisterAccesses();
    private long total;
    private long inCall;

    /**
     * @param inner the platform calls go to
     * @param windowBase the first register address the driver may touch
     * @param windowSize the size of its register window in bytes
     * @param budget how many platform calls one driver call may make
     */
    public CountingPlatform(Platform inner, long windowBase, long windowSize, long budget) {
        super(inner);
        this.windowBase = windowBase;
        this.windowSize = windowSize;
        this.budget = budget;
    }

    /** Starts counting a new driver call. */
    public void beginCall() {
        inCall = 0;
        accessesInCall.clear();
    }

    /**
     * The accesses the current (or last) driver call made inside its window, in order; the next
     * driver call changes them.
     */
    public RegisterAccesses accessesInCall() {
        return accessesInCall;
    }

    /** Platform calls made by the current (or last) driver call. */
    public long callsInCall() {
        return inCall;
    }

    /** Platform calls made since this decorator was created. */
    public long totalCalls() {
        return total;
    }

    /** Register accesses outside the window, described; never cleared: a read-only view. */
    public List<String> strayRegisterAccesses() {
        return Collections.unmodifiableList(strayRegisterAccesses);
    }

    private void count() {
        total++;
        if (++inCall > budget) {
            throw new CallBudgetExceeded(budget);
        }
    }

    private void checkWindow(long address, AccessWidth width, String what) {
        if (address < windowBase || address + width.bytes() > windowBase + windowSize) {
            strayRegisterAccesses.add(String.format("%d-bit %s at 0x%x, outside the window 0x%x+0x%x",
                    width.bits(), what, address, windowBase, windowSize));
        }
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        count();
        checkWindow(address, width, "read");
        long value = super.readRegister(address, width);
        accessesInCall.add((int) (address - windowBase), false, value);
        return value;
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        count();
        checkWindow(address, width, "write");
        accessesInCall.add((int) (address - windowBase), true, width.truncate(value));
        super.writeRegister(address, width, value);
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        count();
        super.readMemory(address, destination, offset, length);
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        count();
        super.writeMemory(address, source, offset, length);
    }

    @Override
    public OptionalLong allocateFrames(int frameCount, long alignment) {
        count();
        return super.allocateFrames(frameCount, alignment);
    }

    @Override
    public void freeFrames(long address, int frameCount) {
        count();
        super.freeFrames(address, frameCount);
    }

    @Override
    public boolean awaitInterrupt(int line, long timeoutNanos) {
        count();
        return super.awaitInterrupt(line, timeoutNanos);
    }

    @Override
    public boolean awaitEdge(int line, long timeoutNanos) {
        count();
        return super.awaitEdge(line, timeoutNanos);
    }

    @Override
    public long nanoTime() {
        count();
        return super.nanoTime();
    }
}
