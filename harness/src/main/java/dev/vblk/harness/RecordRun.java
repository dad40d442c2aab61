package dev.vblk.harness;

import dev.vblk.block.BlockDevice;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.SlotReport;
import dev.vblk.platform.Platform;
import dev.vblk.platform.PlatformException;
import dev.vblk.recorder.TraceRecorder;
import dev.vblk.session.BoardParameters;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceWriteException;
import dev.vblk.trace.TraceWriter;
import dev.vblk.workload.Step;
import dev.vblk.workload.Workload;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * Runs a workload on a target, recorded into a trace file or not: hashes the disks, starts the
 * target, discovers the block devices with the board's parameters and performs each step, going on
 * after a step fails.
 *
 * <p>A recorded run opens its session with {@link DriverSession#record} and writes metadata:
 * the target's platform map, each disk's name, size and SHA-256 from before the run, the workload
 * text, its seed if it has one, and the board parameters. An unrecorded run performs exactly the
 * same calls without the recorder, to measure what recording costs.
 *
 * <p>Two views let a caller observe the run without changing it: {@code platformView} wraps the
 * target's platform (inside the recorder, so the trace holds the target's answers), and
 * {@code deviceView} wraps each bound driver (inside the recorder's operation marks), for example
 * with the Flight Recorder decorators of {@code dev.vblk.jfr}.
 *
 * @param board the MMIO window and driver options the run discovers with
 * @param platformView wraps the target's platform before the driver is given it
 * @param deviceView wraps each block device the scan binds
 * @param onStep told of each step's result as soon as the step is done, for progress displays
 * @param reads where the bytes of read steps go ({@link ReadSink#SAVE_FILES} unless a command prints them)
 * @param threadPerQueue whether the steps for each device or request queue run on a thread of their
 *     own, all at once (the trace then holds each thread's calls), rather than all on the caller's thread
 */
public record RecordRun(BoardParameters board, UnaryOperator<Platform> platformView, UnaryOperator<BlockDevice> deviceView,
        Consumer<StepResult> onStep, ReadSink reads, boolean threadPerQueue) {

    /** Runs with QEMU's {@code virt} window and the driver's default options. */
    public static final RecordRun QEMU_VIRT = new RecordRun(BoardParameters.QEMU_VIRT_DEFAULTS);

    public RecordRun {
        Objects.requireNonNull(board, "board");
        Objects.requireNonNull(platformView, "platformView");
        Objects.requireNonNull(deviceView, "deviceView");
        Objects.requireNonNull(onStep, "onStep");
        Objects.requireNonNull(reads, "reads");
    }

    /** A run on {@code board} with nothing observing it. */
    public RecordRun(BoardParameters board) {
        this(board, UnaryOperator.identity(), UnaryOperator.identity(), result -> { }, ReadSink.SAVE_FILES, false);
    }

    /** This run with the target's platform seen through {@code view}. */
    public RecordRun withPlatformView(UnaryOperator<Platform> view) {
        return new RecordRun(board, view, deviceView, onStep, reads, threadPerQueue);
    }

    /** This run with each bound block device seen through {@code view}. */
    public RecordRun withDeviceView(UnaryOperator<BlockDevice> view) {
        return new RecordRun(board, platformView, view, onStep, reads, threadPerQueue);
    }

    /** This run telling {@code listener} of each step's result. */
    public RecordRun withStepListener(Consumer<StepResult> listener) {
        return new RecordRun(board, platformView, deviceView, listener, reads, threadPerQueue);
    }

    /** This run giving the bytes of its read steps to {@code sink}. */
    public RecordRun withReadSink(ReadSink sink) {
        return new RecordRun(board, platformView, deviceView, onStep, sink, threadPerQueue);
    }

    /**
     * This run with the steps for each device or request queue on a thread of their own, all at once:
     * calls on several queues truly concurrent. The {@code device} and {@code queue} steps say which
     * thread later steps go to; a workload with a {@code reset} step is refused
     * ({@link #threadPerQueueRefusal}).
     */
    public RecordRun withThreadPerQueue() {
        return new RecordRun(board, platformView, deviceView, onStep, reads, true);
    }

    /**
     * Why {@code workload} cannot run with a thread per queue, if it cannot: a {@code reset} step
     * resets every queue of its device under the other threads' calls.
     */
    public static Optional<String> threadPerQueueRefusal(Workload workload) {
        return workload.steps().stream().filter(Step.Reset.class::isInstance).findFirst()
                .map(reset -> "a thread per queue cannot run a workload with a '" + reset.toText()
                        + "' step: it resets every queue of its device under the other threads' calls");
    }

    /**
     * Records a run into {@code output}, replacing it. Once the trace file is created it is closed
     * complete, with its end marker, when the run went through (steps the device failed included)
     * and when discovery failed on a working platform. A run stopped by a platform failure (QEMU
     * exited) or by the trace's own writing is closed without the end marker: the trace is then a
     * valid prefix whose last operation records the failure.
     *
     * @throws HarnessException if a disk cannot be hashed, the target cannot start, discovery itself
     *     fails or leaves a block device it found unbound (the trace then ends with the discovery), or
     *     the platform fails (the message
     *     names the step and QEMU's exit status)
     * @throws OutputFileException if the trace cannot be written
     */
    public RunSummary record(Target target, Workload workload, TraceCodec codec, Path output) {
        CompletableFuture<List<TraceMetadata.DiskImage>> hashed = hashing(target);
        try (StartedTarget started = target.start()) {
            TraceMetadata metadata = TraceMetadata.of(Instant.now(), started.platformMetadata(), joined(hashed), workload.text(),
                    workload.seed(), board.toMap());
            long begin = System.nanoTime();
            TraceWriter writer;
            try {
                writer = TraceWriter.create(output, metadata, codec);
            } catch (TraceWriteException e) {
                throw new OutputFileException(e.getMessage(), e);
            }
            TraceRecorder recorder = new TraceRecorder(writer);
            WorkloadRunner.Outcome outcome;
            List<String> devices;
            try {
                DriverSession session = discover(platformView.apply(started.platform()), recorder);
                devices = session.deviceNames();
                outcome = steps(session, workload);
            } catch (RuntimeException e) {
                throw ended(writer, output, e);
            }
            try {
                recorder.close();
            } catch (TraceWriteException e) {
                throw new OutputFileException(e.getMessage(), e);
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - begin);
            return summary(writer.eventCount(), size(output), wall, devices, outcome);
        }
    }

    /**
     * The images' names, sizes and digests, worked out on a thread of their own while the target
     * starts: nothing writes an image before the driver's first request, which comes after.
     */
    private static CompletableFuture<List<TraceMetadata.DiskImage>> hashing(Target target) {
        CompletableFuture<List<TraceMetadata.DiskImage>> images = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                images.complete(target.diskImages());
            } catch (RuntimeException | Error e) {
                images.completeExceptionally(e);
            }
        }, "vblk-image-digests");
        thread.setDaemon(true);
        thread.start();
        return images;
    }

    private static List<TraceMetadata.DiskImage> joined(CompletableFuture<List<TraceMetadata.DiskImage>> images) {
        try {
            return images.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /** Closes the trace of a run that failed, as {@link #record} says, and gives what to throw. */
    private static RuntimeException ended(TraceWriter writer, Path output, RuntimeException failure) {
        Optional<TraceWriteException> writing = cause(failure, TraceWriteException.class);
        if (writing.isEmpty() && !(failure instanceof WorkloadRunner.StoppedRun)
                && cause(failure, PlatformException.class).isEmpty()) {
            try {
                writer.close();
            } catch (TraceWriteException e) {
                return new OutputFileException(e.getMessage(), e);
            }
            return failure;
        }
        try {
            writer.abandon();
        } catch (TraceWriteException e) {
            failure.addSuppressed(e);
        }
        if (writing.isPresent()) {
            return new OutputFileException(writing.get().getMessage(), failure);
        }
        return new HarnessException(failure.getMessage() + "; the trace " + output
                + " stops there, without its end marker", failure);
    }

    private static <T extends Throwable> Optional<T> cause(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return Optional.of(type.cast(cause));
            }
        }
        return Optional.empty();
    }

    /**
     * Performs the same calls as {@link #record} without recording them.
     *
     * @throws HarnessException if the target cannot start, discovery fails, or the platform fails
     */
    public RunSummary runUnrecorded(Target target, Workload workload) {
        try (StartedTarget started = target.start()) {
            long begin = System.nanoTime();
            DriverSession session = discover(platformView.apply(started.platform()), null);
            WorkloadRunner.Outcome outcome;
            try {
                outcome = steps(session, workload);
            } catch (WorkloadRunner.StoppedRun e) {
                throw new HarnessException(e.getMessage(), e);
            }
            Duration wall = Duration.ofNanos(System.nanoTime() - begin);
            return summary(0, 0, wall, session.deviceNames(), outcome);
        }
    }

    private WorkloadRunner.Outcome steps(DriverSession session, Workload workload) {
        return threadPerQueue ? ThreadPerQueueRun.run(session, workload, onStep, reads)
                : WorkloadRunner.run(session, workload, onStep, reads);
    }

    /**
     * Discovers the devices, recorded into {@code recorder} or, when it is null, unrecorded; every
     * block device found must be bound, or the run fails naming the first the driver could not set up
     * and why.
     */
    private DriverSession discover(Platform platform, TraceRecorder recorder) {
        DriverSession session;
        try {
            session = recorder == null ? DriverSession.discover(platform, board, null, deviceView)
                    : DriverSession.record(platform, board, recorder, deviceView);
        } catch (RuntimeException e) {
            throw new HarnessException("discovery failed: " + e.getMessage(), e);
        }
        List<String> unbound = new ArrayList<>();
        session.reports().stream().filter(SlotReport.Unusable.class::isInstance).map(SlotReport.Unusable.class::cast)
                .forEach(report -> unbound.add("slot " + report.slot().index() + ": " + report.reason()));
        session.pciReports().stream().filter(PciReport.Unusable.class::isInstance).map(PciReport.Unusable.class::cast)
                .forEach(report -> unbound.add("PCI " + report.address() + ": " + report.reason()));
        if (!unbound.isEmpty()) {
            throw new HarnessException("discovery failed: the driver could not set up " + unbound.size() + " of the "
                    + (unbound.size() + session.deviceNames().size()) + " block devices, the first in " + unbound.get(0));
        }
        return session;
    }

    private static RunSummary summary(long events, long traceBytes, Duration wall, List<String> devices,
            WorkloadRunner.Outcome outcome) {
        return new RunSummary(events, 1 + outcome.operations(), outcome.failures(), outcome.dataBytes(), traceBytes, wall,
                devices, outcome.results());
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new HarnessException("cannot read the size of trace " + file + ": " + e.getMessage(), e);
        }
    }
}
