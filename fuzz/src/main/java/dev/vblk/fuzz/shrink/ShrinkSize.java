package dev.vblk.fuzz.shrink;

/**
 * How big a failing case is, in the terms shrinking reduces.
 *
 * @param steps the workload's driver calls and device events (each call of a batch counted), or a
 *     seed trace's operations
 * @param faults device faults on from the start, a refusing allocator and queue faults, each counted once
 * @param outcomes scripted request outcomes, or a trace's mutations
 * @param deviceChanges how far the device is from a plain one (feature word other than QEMU's, read-only)
 */
public record ShrinkSize(int steps, int faults, int outcomes, int deviceChanges) {

    @Override
    public String toString() {
        return steps + " steps, " + faults + " faults, " + outcomes + " outcomes, " + deviceChanges + " device changes";
    }
}
