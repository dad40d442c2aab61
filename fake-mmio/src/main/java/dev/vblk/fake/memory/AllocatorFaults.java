package dev.vblk.fake.memory;

/**
 * Ways to make the fake frame allocator refuse requests, so a driver's fallbacks can be tested.
 * All off by default; settings apply from the next allocation on.
 */
public final class AllocatorFaults {

    private boolean refuseMultiFrame;
    private long refuseAfter = Long.MAX_VALUE;
    private boolean refuseAll;

    /** Refuses every request for more than one contiguous frame (single frames still succeed). */
    public AllocatorFaults refuseMultiFrame(boolean refuse) {
        this.refuseMultiFrame = refuse;
        return this;
    }

    /** Lets the next {@code allocations} requests be considered, then refuses every later one. */
    public AllocatorFaults refuseAfter(long allocations) {
        if (allocations < 0) {
            throw new IllegalArgumentException("allocation budget must not be negative: " + allocations);
        }
        this.refuseAfter = allocations;
        return this;
    }

    /** Refuses every request. */
    public AllocatorFaults refuseAll(boolean refuse) {
        this.refuseAll = refuse;
        return this;
    }

    /** Turns every fault off. */
    public AllocatorFaults clear() {
        refuseMultiFrame = false;
        refuseAfter = Long.MAX_VALUE;
        refuseAll = false;
        return this;
    }

    /** Decides one request, consuming one unit of the {@link #refuseAfter} budget. */
    boolean refuses(int frameCount) {
        if (refuseAll || (refuseMultiFrame && frameCount > 1)) {
            return true;
        }
        if (refuseAfter == 0) {
            return true;
        }
        if (refuseAfter != Long.MAX_VALUE) {
            refuseAfter--;
        }
        return false;
    }
}
