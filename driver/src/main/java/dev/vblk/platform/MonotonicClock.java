package dev.vblk.platform;

/** A monotonic clock: the only source of time a driver may use. */
@FunctionalInterface
public interface MonotonicClock {

    /** Nanoseconds since an arbitrary origin; never decreases. */
    long nanoTime();
}
