package dev.vblk.session;

import dev.vblk.block.BlockDevice;
import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.MmioScanner;
import dev.vblk.discovery.SlotReport;
import dev.vblk.platform.Platform;
import dev.vblk.recorder.RecordingBlockDevice;
import dev.vblk.recorder.TraceRecorder;
import dev.vblk.trace.OperationKind;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The driver brought up on a platform the way every run does it, recorded or not: a DISCOVERY
 * operation that scans the board's MMIO window, then {@link BlockOperation}s on the devices found.
 * Recording, replaying and fuzzing all go through this, so a replay issues exactly the calls the
 * recording made.
 */
public final class DriverSession {

    private final List<SlotReport> reports;
    private final Map<String, VirtioBlkDevice> drivers = new LinkedHashMap<>();
    private final Map<String, BlockDevice> devices = new LinkedHashMap<>();
    private final TraceRecorder recorder;

    private DriverSession(List<SlotReport> reports, TraceRecorder recorder, UnaryOperator<BlockDevice> deviceView) {
        this.reports = List.copyOf(reports);
        this.recorder = recorder;
        for (SlotReport report : reports) {
            if (report instanceof SlotReport.BoundBlockDevice bound) {
                String name = bound.device().id().toString();
                drivers.put(name, bound.device());
                BlockDevice viewed = deviceView.apply(bound.device());
                devices.put(name, recorder == null ? viewed : new RecordingBlockDevice(viewed, recorder));
            }
        }
    }

    /**
     * Scans the board's window and binds every block device.
     *
     * @param recorder where to mark operations, or null for an unrecorded session (the platform
     *     itself is wrapped by the caller when its calls are to be recorded)
     */
    public static DriverSession discover(Platform platform, BoardParameters board, TraceRecorder recorder) {
        return discover(platform, board, recorder, UnaryOperator.identity());
    }

    /**
     * Scans the board's window and binds every block device, seen through {@code deviceView}: a
     * decorator applied to each bound driver (inside the recording decorator, if any), for example one
     * that emits Flight Recorder events for every call.
     *
     * @param recorder where to mark operations, or null for an unrecorded session
     */
    public static DriverSession discover(Platform platform, BoardParameters board, TraceRecorder recorder,
            UnaryOperator<BlockDevice> deviceView) {
        MmioScanner scanner = new MmioScanner(platform, board.options());
        if (recorder == null) {
            return new DriverSession(scanner.scan(board.window(), new DeviceRegistry()), null, deviceView);
        }
        List<SlotReport> reports = recorder.recordOperation(OperationKind.DISCOVERY, "", 0, 0, 0, new byte[0],
                () -> scanner.scan(board.window(), new DeviceRegistry()), DriverSession::summary);
        return new DriverSession(reports, recorder, deviceView);
    }

    /** A digestible summary of what a scan found, so a replay can check it found the same. */
    static byte[] summary(List<SlotReport> reports) {
        StringBuilder text = new StringBuilder();
        for (SlotReport report : reports) {
            text.append(report.slot().index()).append(':');
            if (report instanceof SlotReport.BoundBlockDevice bound) {
                text.append("blk ").append(bound.device().capacitySectors());
            } else if (report instanceof SlotReport.OtherDevice other) {
                text.append("type ").append(other.deviceType());
            } else if (report instanceof SlotReport.Unusable unusable) {
                text.append("unusable ").append(unusable.reason());
            } else {
                text.append("empty");
            }
            text.append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The digest input of this session's DISCOVERY operation: the summary of what the scan found,
     * whose SHA-256 a recording stores as the operation's outcome, so a replay can compare its own.
     */
    public byte[] scanSummary() {
        return summary(reports);
    }

    /** What the scan found in each slot. */
    public List<SlotReport> reports() {
        return reports;
    }

    /** The block devices found, in slot order, by id string. */
    public List<String> deviceNames() {
        return new ArrayList<>(devices.keySet());
    }

    /** The device with this id string (recording its calls when the session records). */
    public Optional<BlockDevice> device(String name) {
        return Optional.ofNullable(devices.get(name));
    }

    /**
     * Performs one operation: a call on a device, or a RESET of a device's driver.
     *
     * @return the data the call returned (see {@link BlockOperation#invoke})
     * @throws IllegalArgumentException if the operation names a device the scan did not find
     */
    public byte[] perform(BlockOperation operation) {
        BlockDevice device = device(operation.device()).orElseThrow(() -> new IllegalArgumentException(
                "no device " + operation.device() + " was found; found " + deviceNames()));
        if (operation.kind() == OperationKind.RESET) {
            VirtioBlkDevice driver = drivers.get(operation.device());
            if (recorder == null) {
                driver.reset();
            } else {
                recorder.recordOperation(OperationKind.RESET, operation.device(), 0, 0, driver::reset);
            }
            return new byte[0];
        }
        return operation.invoke(device);
    }
}
