package dev.vblk.fake;

import dev.vblk.platform.MonotonicClock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic clock: every {@link #nanoTime()} call moves time forward by a fixed step, and
 * waits move it forward by their timeout. Nothing reads the wall clock. Safe for concurrent use:
 * each method is atomic, and time never moves backwards. The time is an atomic number rather than
 * a field under a lock: the fake machine reads it before every platform call.
 */
public final class VirtualClock implements MonotonicClock {

    private final long stepNanos;
    private final AtomicLong now = new AtomicLong();

    /** A clock at time zero that advances {@code stepNanos} per {@link #nanoTime()} call. */
    public VirtualClock(long stepNanos) {
        if (stepNanos < 0) {
            throw new IllegalArgumentException("clock step must not be negative: " + stepNanos);
        }
        this.stepNanos = stepNanos;
    }

    /** Advances by one step and returns the new time. */
    @Override
    public long nanoTime() {
        return now.addAndGet(stepNanos);
    }

    /** The current time, without advancing. */
    public long now() {
        return now.get();
    }

    /** Moves time forward by {@code nanos} (not negative). */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time cannot move backwards by " + nanos + " ns");
        }
        now.addAndGet(nanos);
    }

    /** Moves time forward to {@code time}; earlier times leave the clock where it is. */
    public void advanceTo(long time) {
        now.accumulateAndGet(time, Math::max);
    }
}
