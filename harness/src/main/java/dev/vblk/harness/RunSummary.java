package dev.vblk.harness;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a run did.
 *
 * @param events events in the trace (0 for an unrecorded run)
 * @param operations the operations the run made, each marked in the trace: the discovery, every call on
 *     a device (made synchronously or submitted) and every poll or wait; what {@code vblk inspect}
 *     lists and {@code vblk replay} compares
 * @param failures the operations whose outcome is a failure (outcomes in the trace); a step that
 *     named a device or queue the scan did not find made no operation ({@link StepResult#missedDevice})
 * @param dataBytes bytes read and written by the steps that succeeded
 * @param traceBytes size of the trace file (0 for an unrecorded run)
 * @param wallTime from the start of discovery to the last step's end, with the trace closed: the
 *     target's start and stop are not included
 * @param devices the block devices the scan found, by id string, in slot order
 * @param steps each step's result, in order
 */
public record RunSummary(long events, int operations, int failures, long dataBytes, long traceBytes, Duration wallTime,
        List<String> devices, List<StepResult> steps) {

    public RunSummary {
        Objects.requireNonNull(wallTime, "wallTime");
        devices = List.copyOf(devices);
        steps = List.copyOf(steps);
    }
}
