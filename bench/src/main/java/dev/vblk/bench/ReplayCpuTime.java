package dev.vblk.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.vblk.replay.ReplayOptions;
import dev.vblk.replay.ReplayResult;
import dev.vblk.replay.Replayer;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;

/**
 * The processor time of a strict replay, from the file and from memory, and of reading the file
 * alone on one thread (what bounds a replay from the file): the figure that a machine shared with
 * other work changes least, where wall-clock rates vary by a factor of two between iterations. Not a
 * JMH benchmark, since JMH reports no processor time:
 * {@code java -XX:+UseSerialGC -cp benchmarks.jar dev.vblk.bench.ReplayCpuTime [TRACE [WARM-UP [REPLAYS]]]}
 * (default {@code qemu-random-reads}, 300 passes to warm up, then 3 rounds of 150 of each). The
 * process's time counts every thread (the replay, the reading thread and, with the serial
 * collector, the collection); a replay that does not reproduce stops the program.
 */
public final class ReplayCpuTime {

    private ReplayCpuTime() {}

    /** Prints, per round, processor and wall time per pass and the events per second of each. */
    public static void main(String[] args) {
        Path file = BenchTraces.get(args.length > 0 ? args[0] : "qemu-random-reads");
        int warmUp = args.length > 1 ? Integer.parseInt(args[1]) : 300;
        int replays = args.length > 2 ? Integer.parseInt(args[2]) : 150;
        Trace trace = TraceReader.readValidPrefix(file);
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (Pass pass : Pass.values()) {
            for (int i = 0; i < warmUp; i++) {
                pass.run(file, trace);
            }
            for (int round = 0; round < 3; round++) {
                long cpu = os.getProcessCpuTime();
                long wall = System.nanoTime();
                for (int i = 0; i < replays; i++) {
                    pass.run(file, trace);
                }
                cpu = os.getProcessCpuTime() - cpu;
                wall = System.nanoTime() - wall;
                double events = (double) replays * trace.events().size();
                System.out.printf("%-6s per pass %.3f ms CPU, %.3f ms wall: %,.0f events/s of CPU, %,.0f events/s%n",
                        pass.label, cpu / 1e6 / replays, wall / 1e6 / replays, events * 1e9 / cpu, events * 1e9 / wall);
            }
        }
    }

    /** What is timed: a replay from the file, one from memory, or reading the file alone. */
    private enum Pass {
        FILE("file"),
        MEMORY("memory"),
        READ("read");

        final String label;

        Pass(String label) {
            this.label = label;
        }

        void run(Path file, Trace trace) {
            if (this == READ) {
                try (TraceReader reader = TraceReader.open(file)) {
                    reader.forEachRemaining(event -> { });
                }
                return;
            }
            ReplayResult result = this == MEMORY ? Replayer.strict(trace, file.toString(), ReplayOptions.DEFAULTS)
                    : Replayer.strict(file);
            if (!result.reproduced()) {
                throw new IllegalStateException(result.render());
            }
        }
    }
}
