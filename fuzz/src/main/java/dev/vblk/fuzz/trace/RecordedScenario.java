package dev.vblk.fuzz.trace;

import dev.vblk.trace.TraceCodec;
import java.nio.file.Path;

/**
 * What {@link ScenarioTraceRecorder#record} wrote.
 *
 * @param file the trace file
 * @param codec the codec it is written with
 * @param operations top-level operations recorded, the discovery included
 * @param failedOperations operations that failed (their error kinds are in the trace)
 * @param device the id string of the device the session bound, or empty when discovery bound none
 * @param stoppedBy why the workload stopped before its end (a call that threw something other than
 *     a block device error, or exceeded the call budget), or empty when it ran to the end
 */
public record RecordedScenario(Path file, TraceCodec codec, int operations, int failedOperations, String device, String stoppedBy) {

    /** Whether discovery bound the scenario's device. */
    public boolean deviceBound() {
        return !device.isEmpty();
    }
}
