package dev.vblk.virtio.queue;

import dev.vblk.virtio.VirtioException;
import java.util.List;

/**
 * A used-ring violation kept for the next collection: a queue that meets a returned chain breaking
 * the rules after chains it can still give back returns those, and throws the violation next time.
 */
final class DeferredViolation {

    private VirtioException pending;

    /** Throws the kept violation, if there is one. */
    void throwIfPending() {
        if (pending != null) {
            throw pending;
        }
    }

    /** Whether a violation is kept for the next collection. */
    boolean pending() {
        return pending != null;
    }

    /** Throws {@code broken} when nothing was returned before it, else keeps it and gives back {@code returned}. */
    List<UsedElement> deferOrThrow(List<UsedElement> returned, VirtioException broken) {
        if (returned.isEmpty()) {
            throw broken;
        }
        pending = broken;
        return returned;
    }
}
