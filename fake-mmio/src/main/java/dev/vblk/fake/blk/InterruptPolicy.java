package dev.vblk.fake.blk;

/**
 * Decides whether a used-ring update raises the used-buffer interrupt: when the driver's
 * suppression asks for one (every update under {@link DeviceFaults#ignoreInterruptSuppression}),
 * unless {@link DeviceFaults#dropInterrupts} drops the update, and then once per
 * {@link DeviceFaults#coalesceInterrupts coalesced} group of updates or window of virtual time.
 * Updates are numbered across all queues, as they share the device's one interrupt line.
 */
final class InterruptPolicy {

    private final DeviceFaults faults;
    private long updates;
    private int unsignalled;
    private long deadline = Long.MAX_VALUE;

    InterruptPolicy(DeviceFaults faults) {
        this.faults = faults;
    }

    /**
     * {@code ring} has just published used entries; true if the interrupt is raised now.
     *
     * @param eventIndex whether VIRTIO_F_EVENT_IDX was negotiated
     */
    boolean published(RingEngine ring, boolean eventIndex, long now) {
        boolean wanted = ring.wantsInterrupt(eventIndex, faults.ignoresInterruptSuppression());
        long update = updates++;
        return wanted && !faults.dropsInterrupt(update) && coalesce(now);
    }

    /** True if a coalesced interrupt is due at {@code now} (and it is then no longer pending). */
    boolean due(long now) {
        if (unsignalled > 0 && deadline <= now) {
            clear();
            return true;
        }
        return false;
    }

    /** When a coalesced interrupt is raised at the latest, or Long.MAX_VALUE. */
    long deadline() {
        return unsignalled == 0 ? Long.MAX_VALUE : deadline;
    }

    /** Forgets interrupts not yet raised (a device reset); the update numbers go on. */
    void clear() {
        unsignalled = 0;
        deadline = Long.MAX_VALUE;
    }

    /** One more update asks for an interrupt; true if the coalesced interrupt is raised now. */
    private boolean coalesce(long now) {
        unsignalled++;
        if (unsignalled == 1) {
            long window = faults.coalescingWindowNanos();
            deadline = window > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + window;
        }
        if (unsignalled >= faults.coalescedUpdates() || deadline <= now) {
            clear();
            return true;
        }
        return false;
    }
}
