package dev.vblk.harness;

import dev.vblk.qemu.DriveConfig;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import dev.vblk.workload.Workload;
import dev.vblk.workload.WorkloadPreset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Measures recording on QEMU with the {@code standard} workload: events per trace, bytes per event
 * for each codec (the same events written with each), and the wall time of the workload recorded
 * against not recorded, alternating in one JVM. Not a test: run it with
 * {@code java -cp <test classpath> dev.vblk.harness.RecordingBench [ROUNDS]}.
 */
public final class RecordingBench {

    private RecordingBench() {}

    public static void main(String[] args) throws IOException {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path directory = Files.createTempDirectory("vblk-bench-");
        Workload workload = WorkloadPreset.STANDARD.workload();
        QemuTarget target = QemuTarget.of(DriveConfig.raw(SignedImages.raw(directory, "standard.img", 2048)));

        Path recorded = directory.resolve("standard.trace.avro");
        RunSummary summary = RecordRun.QEMU_VIRT.record(target, workload, TraceCodec.DEFAULT, recorded);
        Trace trace = TraceReader.readComplete(recorded);
        System.out.printf("standard workload: %d steps, %d operations, %d failed, %d data bytes, %d events%n",
                workload.steps().size(), summary.operations(), summary.failures(), summary.dataBytes(), trace.events().size());
        for (StepResult step : summary.steps()) {
            step.failure().ifPresent(failure -> System.out.println("  failed: " + step.step() + ": " + failure));
        }
        for (TraceCodec codec : TraceCodec.values()) {
            Path file = directory.resolve("standard-" + codec.avroName() + ".trace.avro");
            try (TraceWriter writer = TraceWriter.create(file, trace.metadata(), codec)) {
                for (TraceEvent event : trace.events()) {
                    writer.append(event);
                }
            }
            long bytes = Files.size(file);
            System.out.printf("%-10s %8d bytes %7.1f bytes/event%n", codec, bytes, (double) bytes / trace.events().size());
        }

        Map<Mode, List<Long>> times = new EnumMap<>(Mode.class);
        Map<Mode, List<Long>> eventCounts = new EnumMap<>(Mode.class);
        for (Mode mode : Mode.values()) {
            times.put(mode, new ArrayList<>());
            eventCounts.put(mode, new ArrayList<>());
        }
        int warmup = 3;
        for (int round = 0; round < warmup + rounds; round++) {
            for (int i = 0; i < Mode.values().length; i++) {
                Mode mode = Mode.values()[(round + i) % Mode.values().length];
                RunSummary run = mode.codec == null ? RecordRun.QEMU_VIRT.runUnrecorded(target, workload)
                        : RecordRun.QEMU_VIRT.record(target, workload, mode.codec, directory.resolve("round.trace.avro"));
                if (round >= warmup) {
                    times.get(mode).add(run.wallTime().toNanos());
                    eventCounts.get(mode).add(run.events());
                }
            }
        }
        long base = median(times.get(Mode.UNRECORDED));
        System.out.printf("%d rounds after %d warm-up rounds, alternating; wall time from discovery to the last step%n",
                rounds, warmup);
        for (Mode mode : Mode.values()) {
            long median = median(times.get(mode));
            System.out.printf("%-22s median %7.2f ms  min %7.2f ms  max %7.2f ms  ratio %.2f  events %s..%s%n", mode,
                    median / 1e6, Collections.min(times.get(mode)) / 1e6, Collections.max(times.get(mode)) / 1e6,
                    (double) median / base, Collections.min(eventCounts.get(mode)), Collections.max(eventCounts.get(mode)));
        }
    }

    /** The three ways the workload is run. */
    private enum Mode {
        UNRECORDED(null),
        RECORDED_DEFLATE(TraceCodec.DEFLATE),
        RECORDED_ZSTANDARD(TraceCodec.ZSTANDARD);

        final TraceCodec codec;

        Mode(TraceCodec codec) {
            this.codec = codec;
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }
}
