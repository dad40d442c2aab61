package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.platform.Platform;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.recorder.RecordingPlatform;
import dev.vblk.recorder.TraceRecorder;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.BoardParameters;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import dev.vblk.virtio.blk.DriverOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * Measures replay speed (not a test): events per second of strict and relaxed replay, and for a
 * QEMU recording the ratio of the time the recording took to the time its strict replay takes.
 *
 * <p>{@code java -cp <test classpath> dev.vblk.replay.ReplayBench [--ops N] [--qemu] [trace or folder...]}:
 * records N 4 KiB reads and writes on the fake device and replays them; with {@code --qemu} also
 * records the same workload on QEMU; then replays every trace named (folders are searched for
 * {@code *.trace.avro}). The recording time of a QEMU trace from a file is the span between its first
 * and last clock reads (QEMU's platform clock is the host's monotonic clock).
 */
public final class ReplayBench {

    private static final int ROUNDS = 5;
    private static final String DEVICE = "virtio-blk@0x0a003e00";

    private ReplayBench() {}

    public static void main(String[] args) throws IOException {
        int operations = 1000;
        boolean qemu = false;
        List<Path> named = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--ops" -> operations = Integer.parseInt(args[++i]);
                case "--qemu" -> qemu = true;
                default -> named.add(Path.of(args[i]));
            }
        }
        Path scratch = Files.createTempDirectory("replay-bench");
        System.out.printf("%-34s %8s %12s %12s %14s%n", "trace", "events", "strict ev/s", "relaxed ev/s", "record/replay");

        Path fake = scratch.resolve("fake.trace.avro");
        FakePlatform machine = FakePlatform.create();
        machine.attachBlockDevice(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(1 << 14)).build());
        BoardParameters board = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS);
        long fakeNanos = record(machine, board, fake, workload(operations), Map.of("kind", "fake"));
        report("fake, " + operations + " ops", fake, fakeNanos);

        if (qemu) {
            Path image = scratch.resolve("disk.img");
            Files.write(image, new byte[8 << 20]);
            Path file = scratch.resolve("qemu.trace.avro");
            try (QemuMachine vm = QemuMachine.start(QemuConfig.of(DriveConfig.raw(image)))) {
                long nanos = record(vm.platform(), BoardParameters.QEMU_VIRT_DEFAULTS, file, workload(operations),
                        Map.of("kind", "qemu", "qemu.version", vm.qemuVersion()));
                report("qemu, " + operations + " ops", file, nanos);
            }
        }
        for (Path path : named) {
            List<Path> files;
            if (Files.isDirectory(path)) {
                try (var walk = Files.walk(path)) {
                    files = walk.filter(f -> f.toString().endsWith(".trace.avro")).sorted().toList();
                }
            } else {
                files = List.of(path);
            }
            for (Path file : files) {
                report(file.getFileName().toString(), file, clockSpan(TraceReader.readValidPrefix(file)));
            }
        }
    }

    private static List<BlockOperation> workload(int operations) {
        List<BlockOperation> list = new ArrayList<>();
        for (int i = 0; i < operations; i++) {
            long sector = (i * 8L) % 8000;
            list.add(i % 2 == 0 ? BlockOperation.write(DEVICE, sector, FakeTraces.pattern(4096, i))
                    : BlockOperation.read(DEVICE, sector - 8, 8));
        }
        return list;
    }

    private static long record(Platform platform, BoardParameters board, Path file, List<BlockOperation> operations,
            Map<String, String> platformMetadata) {
        TraceMetadata metadata = TraceMetadata.of(Instant.EPOCH, platformMetadata, List.of(), "replay bench",
                OptionalLong.empty(), board.toMap());
        long start = System.nanoTime();
        try (TraceRecorder recorder = new TraceRecorder(TraceWriter.create(file, metadata))) {
            DriverSession session = DriverSession.discover(new RecordingPlatform(platform, recorder), board, recorder);
            for (BlockOperation operation : operations) {
                session.perform(operation);
            }
        }
        return System.nanoTime() - start;
    }

    /** The span between the first and the last clock read, or -1 if the trace has fewer than two. */
    private static long clockSpan(Trace trace) {
        long first = -1;
        long last = -1;
        for (TraceEvent event : trace.events()) {
            if (event instanceof TraceEvent.ClockRead clock) {
                if (first < 0) {
                    first = clock.nanos();
                }
                last = clock.nanos();
            }
        }
        return first < 0 || last == first ? -1 : last - first;
    }

    private static void report(String name, Path file, long recordingNanos) {
        Trace trace = TraceReader.readValidPrefix(file);
        boolean qemu = "qemu".equals(trace.metadata().platform().get("kind"));
        long strict = best(() -> Replayer.strict(trace, name, ReplayOptions.DEFAULTS));
        long relaxed = best(() -> Replayer.relaxed(trace, name, ReplayOptions.DEFAULTS));
        int events = trace.events().size();
        String ratio = qemu && recordingNanos > 0 ? String.format("%.1f x", (double) recordingNanos / strict) : "-";
        System.out.printf("%-34s %8d %12.0f %12.0f %14s%n", name, events, events * 1e9 / strict, events * 1e9 / relaxed, ratio);
    }

    /** The best wall time of {@link #ROUNDS} replays (after one warm-up), which must reproduce. */
    private static long best(Supplier<ReplayResult> replay) {
        ReplayResult warm = replay.get();
        if (!warm.reproduced()) {
            throw new IllegalStateException(warm.render());
        }
        long best = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long start = System.nanoTime();
            replay.get();
            best = Math.min(best, System.nanoTime() - start);
        }
        return best;
    }
}
