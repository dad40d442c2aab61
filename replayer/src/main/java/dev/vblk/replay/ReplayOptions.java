package dev.vblk.replay;

import dev.vblk.block.BlockDevice;
import dev.vblk.platform.Platform;
import dev.vblk.recorder.TraceRecorder;
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
 * @param deviceView wraps each block device the replayed session binds (inside its operation marks),
 *     as a recording's device view does: for example with the Flight Recorder decorators
 * @param atBranch called once with the live machine when a branching replay leaves the trace, for
 *     example to inject a fault
 * @param validPrefix whether a trace file cut short (no end marker) is replayed up to its last
 *     complete operation; without it such a file is a bad trace
 * @param recording where the replayed session marks its operations, making the replayed run a new
 *     trace (a {@code driverView} of a {@link dev.vblk.recorder.RecordingPlatform} on the same recorder
 *     adds the platform calls); a branching replay that records compares no outcome once it has reached
 *     the branch position: what the driver does live is recorded, not checked against the old trace
 * @param readAhead whether a trace file is decoded ahead on a thread of its own while the replay runs
 *     (the default: one replay then uses two cores); off when several replays already share the cores
 */
public record ReplayOptions(
        Optional<DriverOptions> driverOptions,
        UnaryOperator<Platform> driverView,
        UnaryOperator<BlockDevice> deviceView,
        Consumer<TraceDrivenMachine> atBranch,
        boolean validPrefix,
        Optional<TraceRecorder> recording,
        boolean readAhead) {

    /** The recorded driver options, the platform as it is, nothing done at the branch, complete traces only. */
    public static final ReplayOptions DEFAULTS = new ReplayOptions(Optional.empty(), platform -> platform, device -> device, machine -> { },
            false, Optional.empty(), true);

    public ReplayOptions {
        Objects.requireNonNull(driverOptions, "driverOptions");
        Objects.requireNonNull(driverView, "driverView");
        Objects.requireNonNull(deviceView, "deviceView");
        Objects.requireNonNull(atBranch, "atBranch");
        Objects.requireNonNull(recording, "recording");
    }

    public ReplayOptions withDriverOptions(DriverOptions options) {
        return new ReplayOptions(Optional.of(options), driverView, deviceView, atBranch, validPrefix, recording, readAhead);
    }

    public ReplayOptions withDriverView(UnaryOperator<Platform> view) {
        return new ReplayOptions(driverOptions, view, deviceView, atBranch, validPrefix, recording, readAhead);
    }

    /** These options, with each block device the replayed session binds seen through {@code view}. */
    public ReplayOptions withDeviceView(UnaryOperator<BlockDevice> view) {
        return new ReplayOptions(driverOptions, driverView, view, atBranch, validPrefix, recording, readAhead);
    }

    public ReplayOptions withAtBranch(Consumer<TraceDrivenMachine> action) {
        return new ReplayOptions(driverOptions, driverView, deviceView, action, validPrefix, recording, readAhead);
    }

    /** These options, replaying a trace file cut short up to its last complete operation. */
    public ReplayOptions withValidPrefix() {
        return new ReplayOptions(driverOptions, driverView, deviceView, atBranch, true, recording, readAhead);
    }

    /** These options, marking the replayed session's operations in {@code recorder} (see {@link #recording()}). */
    public ReplayOptions withRecording(TraceRecorder recorder) {
        return new ReplayOptions(driverOptions, driverView, deviceView, atBranch, validPrefix, Optional.of(recorder), readAhead);
    }

    /** These options, reading a trace file on the replay's own thread (see {@link #readAhead()}). */
    public ReplayOptions withoutReadAhead() {
        return new ReplayOptions(driverOptions, driverView, deviceView, atBranch, validPrefix, recording, false);
    }
}
