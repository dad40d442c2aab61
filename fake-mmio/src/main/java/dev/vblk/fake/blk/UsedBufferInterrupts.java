package dev.vblk.fake.blk;

/**
 * Coalesces used-buffer interrupts: the line is raised once {@code every} used-ring updates have
 * asked for an interrupt, or {@code windowNanos} of virtual time after the first of them.
 */
final class UsedBufferInterrupts {

    private int unsignalled;
    private long deadline = Long.MAX_VALUE;

    /** A used-ring update that asks for an interrupt; true if the interrupt is raised now. */
    boolean request(int every, long windowNanos, long now) {
        unsignalled++;
        if (unsignalled == 1) {
            deadline = windowNanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + windowNanos;
        }
        if (unsignalled >= every || deadline <= now) {
            clear();
            return true;
        }
        return false;
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

    /** Forgets interrupts not yet raised (a device reset). */
    void clear() {
        unsignalled = 0;
        deadline = Long.MAX_VALUE;
    }
}
