package dev.vblk.bench;

import dev.vblk.qemu.QemuMachine;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.BoardParameters;
import dev.vblk.trace.TraceCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A workload on QEMU's device, with the recorder and without: seconds per run (discovery and the
 * operations; QEMU's start is outside the measurement). The cost of recording is the recorded time
 * over the unrecorded one; a recording's time over a strict replay's ({@link ReplayBench}) is how
 * much faster replay is. Needs {@code qemu-system-aarch64}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
public class RecordBench {

    /** The workload ({@link BenchTraces#qemuWorkload}). */
    @Param({"random-reads", "large-reads"})
    public String workload;

    /** {@code off} for the unrecorded run, else the trace codec. */
    @Param({"off", "DEFLATE", "ZSTANDARD", "NONE"})
    public String recording;

    private List<BlockOperation> operations;
    private QemuMachine vm;
    private Path file;

    /** The workload and a trace file to write. */
    @Setup(Level.Trial)
    public void setUpTrial() throws IOException {
        operations = BenchTraces.qemuWorkload(workload);
        Files.createDirectories(BenchTraces.folder());
        file = Files.createTempFile(BenchTraces.folder(), "record-", ".trace.avro");
    }

    /** A fresh QEMU machine for every run. */
    @Setup(Level.Invocation)
    public void startQemu() {
        vm = BenchTraces.startQemu();
    }

    /** Stops the machine. */
    @TearDown(Level.Invocation)
    public void stopQemu() {
        vm.close();
    }

    /** Removes the trace file. */
    @TearDown(Level.Trial)
    public void tearDownTrial() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One run of the workload. */
    @Benchmark
    public void run() {
        if (recording.equals("off")) {
            BenchTraces.run(vm.platform(), BoardParameters.QEMU_VIRT_DEFAULTS, operations);
        } else {
            BenchTraces.record(vm.platform(), BoardParameters.QEMU_VIRT_DEFAULTS, file, operations,
                    Map.of("kind", "qemu"), TraceCodec.valueOf(recording));
        }
    }
}
