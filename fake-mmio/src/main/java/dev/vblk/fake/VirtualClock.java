package dev.vblk.fake;

import dev.vblk.platform.MonotonicClock;

/**
 * A deterministic clock: every {@link #nanoTime()} call moves time forward by a fixed step, and
 * waits move it forward by their timeout. Nothing reads the wall clock.
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
    public long nanoTime() {
        now += stepNanos;
        return now;
    }

    /** The current time, without advancing. */
    public long now() {
        return now;
    }

    /** Moves time forward by {@code nanos} (not negative). */
    public void advance(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("time cannot move backwards by " + nanos + " ns");
        }
        now += nanos;
    }

    /** Moves time forward to {@code time}; earlier times leave the clock where it is. */
    public void advanceTo(long time) {
        now = Math.max(now, time);
    }
}
