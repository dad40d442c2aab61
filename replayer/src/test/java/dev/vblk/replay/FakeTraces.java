package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.DeviceFaults;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.recorder.RecordingPlatform;
import dev.vblk.recorder.TraceRecorder;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.BoardParameters;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import dev.vblk.virtio.blk.DriverOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Consumer;

/** Traces recorded on the fake device, the way a recording run makes them, for replay tests. */
final class FakeTraces {

    /** The id of the device the fake machine puts in slot 31. */
    static final String DEVICE = "virtio-blk@0x0a003e00";

    /** Short budgets, so a request that never completes times out quickly in virtual time. */
    static final DriverOptions OPTIONS = DriverOptions.DEFAULTS.withBudgets(20_000_000L, 2_000, 100_000L, 256, 128 * 1024);

    private FakeTraces() {}

    /** A mixed workload: writes, reads (one split in two requests), flush, id, discard, write-zeroes, reset. */
    static List<BlockOperation> mixedWorkload() {
        List<BlockOperation> operations = new ArrayList<>();
        operations.add(BlockOperation.write(DEVICE, 0, pattern(8 * 512, 1)));
        operations.add(BlockOperation.read(DEVICE, 0, 8));
        operations.add(BlockOperation.write(DEVICE, 100, pattern(2 * 512, 7)));
        operations.add(BlockOperation.read(DEVICE, 96, 300));
        operations.add(BlockOperation.simple(OperationKind.FLUSH, DEVICE));
        operations.add(BlockOperation.simple(OperationKind.GET_ID, DEVICE));
        operations.add(BlockOperation.range(OperationKind.DISCARD, DEVICE, 0, 4));
        operations.add(BlockOperation.range(OperationKind.WRITE_ZEROES, DEVICE, 100, 1));
        operations.add(BlockOperation.read(DEVICE, 0, 8));
        operations.add(BlockOperation.simple(OperationKind.RESET, DEVICE));
        operations.add(BlockOperation.read(DEVICE, 100, 2));
        return operations;
    }

    /** Bytes that differ from sector to sector and from seed to seed. */
    static byte[] pattern(int length, int seed) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + seed * 17 + i / 512);
        }
        return bytes;
    }

    /** Records {@code operations} on a fake device with {@code hook}, default options. */
    static Path record(Path file, RequestHook hook, List<BlockOperation> operations) {
        return record(file, FakeBlkConfig.builder().requestHook(hook).idString("replay-test").build(), OPTIONS, operations);
    }

    /**
     * Records a session on a fake machine with one device in slot 31: discovery, then the operations
     * (failures are recorded and the run goes on).
     */
    static Path record(Path file, FakeBlkConfig config, DriverOptions options, List<BlockOperation> operations) {
        return record(file, config, device -> { }, options, session -> {
            for (BlockOperation operation : operations) {
                try {
                    session.perform(operation);
                } catch (RuntimeException expectedSometimes) {
                    // The trace holds the failure; the workload goes on like a recording run does.
                }
            }
        });
    }

    /**
     * Records a session on a fake machine with one device in slot 31, made to misbehave by
     * {@code faults}: discovery, then whatever {@code workload} does with the session.
     */
    static Path record(Path file, FakeBlkConfig config, Consumer<DeviceFaults> faults, DriverOptions options,
            Consumer<DriverSession> workload) {
        FakePlatform fake = FakePlatform.create();
        faults.accept(fake.attachBlockDevice(config).faults());
        BoardParameters board = new BoardParameters(MmioWindow.QEMU_VIRT, options);
        TraceMetadata metadata = TraceMetadata.of(Instant.EPOCH, Map.of("kind", "fake"), List.of(),
                "replay test workload", OptionalLong.empty(), board.toMap());
        try (TraceRecorder recorder = new TraceRecorder(TraceWriter.create(file, metadata))) {
            RecordingPlatform platform = new RecordingPlatform(fake, recorder);
            workload.accept(DriverSession.discover(platform, board, recorder));
        }
        return file;
    }

    static Trace read(Path file) {
        return TraceReader.readComplete(file);
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
