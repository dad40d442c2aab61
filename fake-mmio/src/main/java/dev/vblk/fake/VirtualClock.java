package dev.vblk.fake;

import dev.vblk.platform.MonotonicClock;

/**
 * A deterministic clock: every {@link #nanoTime()} call moves time forward by a fixed step, and
 * waits move it forward by their timeout. Nothing reads the wall clock. Safe for concurrent use:
 * each method is atomic, and time never moves backwards.
 */
public final class VirtualClock implements MonotonicClock {

    private final long stepNanos;
    private long now;

    /** A clock at time zero that advances {@code stepNanos} per {@link #nanoTime()} call. */
    public VirtualClock(long stepNanos) {
        if (stepNanos < 0) {
            throw new IllegalArgumentException("clock step must not be negative: " + stepNanos);
        }
        this.stepNanos = stepNanos;
    }

    /** Advances by one step and returns the new time. */
    @Override
    public synchronized long nanoTime() {
        now += stepNanos;
        return now;
    }

    /** The current time, without advancing. */
    public synchronized long now() {
        return now;
    }

    /** Moves time forward by {@code nanos} (not negative). */
    public synchronized void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time cannot move backwards by " + nanos + " ns");
        }
        now += nanos;
    }

    /** Moves time forward to {@code time}; earlier times leave the clock where it is. */
    public synchronized void advanceTo(long time) {
        now = Math.max(now, time);
    }
}
