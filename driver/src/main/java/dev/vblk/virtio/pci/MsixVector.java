package dev.vblk.virtio.pci;

import dev.vblk.platform.Platform;
import dev.vblk.virtio.InterruptSource;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One MSI-X vector as an {@link InterruptSource}: its message pulses an edge-latched line of the
 * platform, and the edge taken from the platform stays pending here, with the one cause the vector
 * stands for, until the driver acknowledges it (as an ISR bit stays set until read). The vector's
 * cause is the only one it reports: a queue's vector says used buffers, the configuration vector a
 * configuration change.
 */
final class MsixVector implements InterruptSource {

    private final Platform platform;
    private final int line;
    private final int cause;
    private final AtomicBoolean pending = new AtomicBoolean();

    /**
     * @param line the platform's edge-latched line the vector's message pulses
     * @param cause the {@link dev.vblk.virtio.InterruptStatus} bit the vector signals
     */
    MsixVector(Platform platform, int line, int cause) {
        this.platform = platform;
        this.line = line;
        this.cause = cause;
    }

    /** The platform's interrupt line of the vector. */
    int line() {
        return line;
    }

    @Override
    public int interruptStatus() {
        return pending.get() ? cause : 0;
    }

    @Override
    public void acknowledgeInterrupt(int bits) {
        if ((bits & cause) != 0) {
            pending.set(false);
        }
    }

    /** Pending already, or an edge taken from the platform within the timeout. */
    @Override
    public boolean awaitInterrupt(long timeoutNanos) {
        if (pending.get()) {
            return true;
        }
        if (platform.awaitEdge(line, timeoutNanos)) {
            pending.set(true);
            return true;
        }
        return false;
    }
}
