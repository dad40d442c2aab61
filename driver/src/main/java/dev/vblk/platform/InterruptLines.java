package dev.vblk.platform;

/** Interrupt lines a driver can wait on or poll. */
public interface InterruptLines {

    /**
     * Waits until the interrupt line is raised or the timeout passes; a timeout of zero polls.
     *
     * @param line the platform's number for the interrupt line
     * @param timeoutNanos how long to wait at most, in nanoseconds of {@link MonotonicClock}
     * @return whether the line is raised
     */
    boolean awaitInterrupt(int line, long timeoutNanos);
}
