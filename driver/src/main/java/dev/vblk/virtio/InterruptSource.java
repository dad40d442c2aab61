package dev.vblk.virtio;

/**
 * One interrupt a driver waits for and answers: the device's single interrupt on virtio-mmio and on
 * virtio-pci with INTx, or one MSI-X vector. Its causes are {@link InterruptStatus} bits; a cause
 * stays pending until acknowledged.
 */
public interface InterruptSource {

    /** Reads the pending interrupt causes (InterruptStatus, the ISR, or a vector's own cause). */
    int interruptStatus();

    /** Acknowledges the given interrupt causes. */
    void acknowledgeInterrupt(int bits);

    /** Whether the interrupt is pending right now (a poll, no waiting). */
    default boolean interruptPending() {
        return awaitInterrupt(0);
    }

    /** Waits up to {@code timeoutNanos} for the interrupt; whether it is pending. */
    boolean awaitInterrupt(long timeoutNanos);
}
