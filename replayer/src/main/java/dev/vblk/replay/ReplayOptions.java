package dev.vblk.replay;

import dev.vblk.platform.Platform;
import dev.vblk.virtio.blk.DriverOptions;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * How to run a replay besides its mode.
 *
 * @param driverOptions options for the driver instead of those the trace recorded (a relaxed replay
 *     tolerates other poll and time budgets; a strict one then diverges where the calls change)
 * @param driverView wraps the platform the driver is given: a test can stand in a changed driver by
 *     altering, dropping or reordering its calls on the way
 * @param atBranch called once with the live machine when a branching replay leaves the trace, for
 *     example to inject a fault
 */
public record ReplayOptions(
        Optional<DriverOptions> driverOptions,
        UnaryOperator<Platform> driverView,
        Consumer<TraceDrivenMachine> atBranch) {

    /** The recorded driver options, the platform as it is, nothing done at the branch. */
    public static final ReplayOptions DEFAULTS = new ReplayOptions(Optional.empty(), platform -> platform, machine -> { });

    public ReplayOptions {
        Objects.requireNonNull(driverOptions, "driverOptions");
        Objects.requireNonNull(driverView, "driverView");
        Objects.requireNonNull(atBranch, "atBranch");
    }

    public ReplayOptions withDriverOptions(DriverOptions options) {
        return new ReplayOptions(Optional.of(options), driverView, atBranch);
    }

    public ReplayOptions withDriverView(UnaryOperator<Platform> view) {
        return new ReplayOptions(driverOptions, view, atBranch);
    }

    public ReplayOptions withAtBranch(Consumer<TraceDrivenMachine> action) {
        return new ReplayOptions(driverOptions, driverView, action);
    }
}
