package dev.vblk.replay;

import dev.vblk.fake.FakePlatform;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.platform.InterruptLines;
import dev.vblk.platform.Platform;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * Strict replay up to a trace position, then the live fake machine. Until the branch every call is
 * checked against the trace and answered from it, and also made on a {@link TraceDrivenMachine}, so
 * its registers, rings and memory evolve in step (frames keep the recorded addresses); from the first
 * call made at or past the branch position on, the machine alone answers, its clock carried on from
 * the last recorded clock value.
 */
final class BranchPlatform implements Platform {

    private final ReplayPlatform strict;
    private final TraceDrivenMachine machine;
    private final FakePlatform live;
    private final FrameBook frames;
    private final int branchAt;
    private final Consumer<TraceDrivenMachine> atBranch;
    private boolean branched;
    private long lastRecordedClock;
    private long clockOffset;
    private long outOfStep;
    private String firstOutOfStep = "";

    BranchPlatform(ReplayPlatform strict, TraceDrivenMachine machine, int branchAt, Consumer<TraceDrivenMachine> atBranch) {
        this.strict = strict;
        this.machine = machine;
        this.live = machine.platform();
        this.frames = new FrameBook(live.ram().base(), live.ram().size());
        this.branchAt = branchAt;
        this.atBranch = atBranch;
    }

    /** Whether the live machine answers now. */
    boolean branched() {
        return branched;
    }

    /** How many reads before the branch the machine answered otherwise than the trace. */
    long outOfStep() {
        return outOfStep;
    }

    /** The first such read, described, or empty. */
    String firstOutOfStep() {
        return firstOutOfStep;
    }

    private boolean live() {
        if (!branched && strict.position() >= branchAt) {
            branched = true;
            clockOffset = lastRecordedClock - live.clock().now();
            atBranch.accept(machine);
        }
        return branched;
    }

    private void compare(boolean same, String what) {
        if (!same) {
            if (outOfStep++ == 0) {
                firstOutOfStep = what + " (trace position " + strict.position() + ")";
            }
        }
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        if (live()) {
            return live.readRegister(address, width);
        }
        long recorded = strict.readRegister(address, width);
        long mine = live.readRegister(address, width);
        compare(recorded == mine, String.format("register 0x%x: machine 0x%x, trace 0x%x", address, mine, recorded));
        return recorded;
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        if (!live()) {
            strict.writeRegister(address, width, value);
        }
        live.writeRegister(address, width, value);
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        if (live()) {
            live.readMemory(address, destination, offset, length);
            return;
        }
        strict.readMemory(address, destination, offset, length);
        byte[] mine = live.readMemory(address, length);
        compare(Arrays.equals(mine, 0, length, destination, offset, offset + length),
                String.format("memory 0x%x, %d byte(s)", address, length));
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        if (!live()) {
            strict.writeMemory(address, source, offset, length);
        }
        live.writeMemory(address, source, offset, length);
    }

    @Override
    public OptionalLong allocateFrames(int frameCount, long alignment) {
        OptionalLong address;
        if (live()) {
            address = frames.allocate(frameCount, alignment);
        } else {
            address = strict.allocateFrames(frameCount, alignment);
            address.ifPresent(at -> frames.reserve(at, frameCount));
        }
        address.ifPresent(at -> live.ram().zeroPages(at, (long) frameCount * FrameAllocator.FRAME_SIZE));
        return address;
    }

    @Override
    public void freeFrames(long address, int frameCount) {
        if (!live()) {
            strict.freeFrames(address, frameCount);
        }
        frames.free(address);
    }

    @Override
    public boolean awaitInterrupt(int line, long timeoutNanos) {
        return awaitLine(InterruptLines::awaitInterrupt, line, timeoutNanos, "raised", "not raised");
    }

    @Override
    public boolean awaitEdge(int line, long timeoutNanos) {
        return awaitLine(InterruptLines::awaitEdge, line, timeoutNanos, "latched an edge", "latched none");
    }

    /** One kind of wait on an interrupt line ({@link InterruptLines#awaitInterrupt} or {@link InterruptLines#awaitEdge}). */
    private interface LineWait {
        boolean await(InterruptLines lines, int line, long timeoutNanos);
    }

    /**
     * Waits on the live machine once live; before, asks the trace and the machine alike, compares
     * what each saw (worded {@code seen} or {@code unseen}) and answers as the trace does.
     */
    private boolean awaitLine(LineWait wait, int line, long timeoutNanos, String seen, String unseen) {
        if (live()) {
            return wait.await(live, line, timeoutNanos);
        }
        boolean recorded = wait.await(strict, line, timeoutNanos);
        boolean mine = wait.await(live, line, timeoutNanos);
        compare(recorded == mine, "interrupt line " + line + ": machine " + (mine ? seen : unseen)
                + ", trace " + (recorded ? seen : unseen));
        return recorded;
    }

    @Override
    public long nanoTime() {
        if (live()) {
            return live.nanoTime() + clockOffset;
        }
        lastRecordedClock = strict.nanoTime();
        live.nanoTime();
        return lastRecordedClock;
    }
}
