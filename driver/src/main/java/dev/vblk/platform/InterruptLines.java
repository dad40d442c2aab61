package dev.vblk.platform;

/**
 * Interrupt lines a driver can wait on or poll. A line is either a level (an INTx pin, a virtio-mmio
 * transport's line: raised until the device is answered) or edge-latched (a message-signalled
 * interrupt, such as an MSI-X write to the board's MSI frame, pulses its line: the machine latches
 * the pulse until the driver takes it). The board decides which a line is, and a driver waits on
 * each line one way only, so a recording names a wait by its line.
 */
public interface InterruptLines {

    /**
     * Waits until the level interrupt line is raised or the timeout passes; a timeout of zero polls.
     *
     * @param line the platform's number for the interrupt line
     * @param timeoutNanos how long to wait at most, in nanoseconds of {@link MonotonicClock}
     * @return whether the line is raised
     */
    boolean awaitInterrupt(int line, long timeoutNanos);

    /**
     * Waits until an edge is latched on an edge-latched line or the timeout passes (a timeout of
     * zero polls), and takes the latch: edges since the last one taken count as one, as an edge
     * interrupt's pending state does in an interrupt controller, and the next call sees only edges
     * after this one.
     *
     * @param line the platform's number for the interrupt line
     * @param timeoutNanos how long to wait at most, in nanoseconds of {@link MonotonicClock}
     * @return whether an edge was latched (and is now taken)
     */
    boolean awaitEdge(int line, long timeoutNanos);
}
