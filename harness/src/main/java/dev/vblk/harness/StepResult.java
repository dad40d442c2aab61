package dev.vblk.harness;

import java.util.Objects;
import java.util.Optional;

/**
 * What one workload step did in a run.
 *
 * @param index the step's position in the workload, from 0
 * @param step the step in the workload language
 * @param device the id string of the device it went to, empty for {@code device N} or when no
 *     device was selected
 * @param failure why it failed ({@code IO_ERROR: ...}), empty when it succeeded
 */
public record StepResult(int index, String step, String device, Optional<String> failure) {

    public StepResult {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(failure, "failure");
    }

    /** Whether the step succeeded. */
    public boolean succeeded() {
        return failure.isEmpty();
    }

    /**
     * Whether the step failed without reaching a device: it named a device or request queue the scan
     * did not find, so the run did less than its workload asks.
     */
    public boolean missedDevice() {
        return failure.isPresent() && device.isEmpty();
    }
}
