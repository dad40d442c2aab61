package dev.vblk.fuzz.scenario;

import dev.vblk.fake.memory.AllocatorFaults;

/**
 * How the frame allocator misbehaves from the start.
 *
 * @param refuseMultiFrame every request for more than one contiguous frame is refused
 * @param refuseAfter the allocator serves this many requests, then refuses all; -1 for never
 */
public record AllocatorSpec(boolean refuseMultiFrame, long refuseAfter) {

    /** An allocator that serves every request it can. */
    public static final AllocatorSpec GENEROUS = new AllocatorSpec(false, -1);

    /** Switches these faults on. */
    public void applyTo(AllocatorFaults faults) {
        faults.refuseMultiFrame(refuseMultiFrame);
        if (refuseAfter >= 0) {
            faults.refuseAfter(refuseAfter);
        }
    }

    @Override
    public String toString() {
        if (!refuseMultiFrame && refuseAfter < 0) {
            return "generous";
        }
        return (refuseMultiFrame ? "single frames only" : "contiguous runs")
                + (refuseAfter >= 0 ? ", refuses after " + refuseAfter + " allocations" : "");
    }
}
