package dev.vblk.cli;

import dev.vblk.harness.FakeTarget;
import dev.vblk.harness.RecordRun;
import dev.vblk.harness.RunSummary;
import dev.vblk.harness.StepResult;
import dev.vblk.harness.Target;
import dev.vblk.qemu.BlkdebugRule;
import dev.vblk.session.BoardParameters;
import dev.vblk.trace.TraceCodec;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.workload.Workload;
import dev.vblk.workload.WorkloadParser;
import dev.vblk.workload.WorkloadPreset;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vblk record}: runs a workload on QEMU or the fake device and writes the trace. */
@Command(name = "record",
        sortOptions = false,
        description = {
            "Run a workload on QEMU's real virtio-blk device (or the fake device) with the driver, and write",
            "everything the driver saw into a trace. Steps that fail are outcomes in the trace, not errors;",
            "a platform failure (QEMU exited) stops the run with status 4 and leaves the trace without its",
            "end marker ('--valid-prefix' reads it). Steps on a device or request queue the scan did not find",
            "make the run exit with status 1 (the trace is written); a block device the driver could not set",
            "up fails it with status 4. The trace may not be one of the inputs."},
        footer = {
            "",
            "Examples:",
            "  vblk record disk.img --preset known-sectors -o known.trace.avro",
            "  vblk record disk.img --workload my.workload --codec zstandard",
            "  vblk record disk.img --preset io-error --error read:9",
            "  vblk record --fake --sectors 4096 --preset standard --jfr run.jfr",
            "  vblk record --fake --queues 4 --thread-per-queue --workload queues.workload",
            "",
            "Presets need a disk of at least 2048 sectors; docs/workloads.md describes the language."})
final class RecordCommand implements Callable<Integer> {

    @ArgGroup(exclusive = true, multiplicity = "1")
    WorkloadChoice workload;

    /** {@code --workload FILE} or {@code --preset NAME}. */
    static final class WorkloadChoice {
        @Option(names = "--workload", paramLabel = "FILE", required = true, description = "A workload file.")
        Path file;

        @Option(names = "--preset", paramLabel = "NAME", required = true,
                description = "A named workload: ${COMPLETION-CANDIDATES}.", completionCandidates = PresetNames.class)
        String preset;

        Workload load() {
            if (file != null) {
                Inputs.existingFile(file, "workload");
                try {
                    return WorkloadParser.parseFile(file);
                } catch (IOException e) {
                    throw new BadInputException("cannot read workload " + file + ": " + e.getMessage(), e);
                }
            }
            return preset(preset).workload();
        }
    }

    @Mixin
    MachineOptions machine;

    @Option(names = "--error", paramLabel = "read:SECTOR|write:SECTOR|flush", converter = ErrorRuleConverter.class,
            description = "Make QEMU's block layer fail every read or write touching SECTOR, or every flush, "
                    + "with EIO (blkdebug, on the first image; SECTOR must lie in it). Repeatable.")
    List<BlkdebugRule> errors = new ArrayList<>();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "The trace to write (default: vblk-out/WORKLOAD.trace.avro).")
    Path output;

    @Option(names = "--queues", paramLabel = "N", defaultValue = "1",
            description = "Let the driver use up to N request queues of each device (VIRTIO_BLK_F_MQ), for "
                    + "workloads with 'queue' steps, which run one after another on one thread unless "
                    + "--thread-per-queue; the fake device gets N. QEMU's device needs as many: "
                    + "--device-property num-queues=N (default: ${DEFAULT-VALUE}).")
    int queues;

    @Option(names = "--thread-per-queue",
            description = "Run the steps for each device or request queue on a thread of their own, all the threads "
                    + "at once, so that the driver meets truly concurrent callers; each thread's steps keep their "
                    + "order. The trace holds every thread's calls and replays strictly. No 'reset' steps.")
    boolean threadPerQueue;

    @Option(names = "--codec", paramLabel = "deflate|deflate_best|zstandard|none", defaultValue = "deflate",
            description = "Block compression of the trace (default: ${DEFAULT-VALUE}).")
    TraceCodec codec;

    @Mixin
    JfrOptions jfr;

    @ParentCommand
    Vblk root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Workload load = workload.load();
        if (queues < 1 || queues > DriverOptions.QUEUE_LIMIT) {
            throw new BadInputException("--queues must be 1 to " + DriverOptions.QUEUE_LIMIT + ", not " + queues);
        }
        if (threadPerQueue) {
            RecordRun.threadPerQueueRefusal(load).ifPresent(why -> {
                throw new BadInputException(why);
            });
        }
        BoardParameters board = machine.board(BoardParameters.QEMU_VIRT_DEFAULTS.options().withMaxQueues(queues));
        Target target = machine.target(errors, true, board.options());
        if (target instanceof FakeTarget fake) {
            target = fake.withQueues(queues);
        }
        List<Path> inputs = new ArrayList<>(machine.inputFiles());
        inputs.add(workload.file);
        inputs.addAll(load.dataFiles());
        Outputs outputs = Outputs.against(inputs);
        load.savedFiles().forEach(saved -> outputs.file(saved, "saved read data"));
        Path trace = output != null ? outputs.file(output, "trace")
                : outputs.defaultFile(Path.of("vblk-out", stem(load.name()) + ".trace.avro"), "trace");
        PrintWriter out = spec.commandLine().getOut();
        RunSummary summary;
        try (JfrOptions.Session recording = jfr.start(outputs);
                Progress progress = Progress.start(root.interactive() && load.steps().size() > 1, "record",
                        load.steps().size(), "steps")) {
            RecordRun run = new RecordRun(board)
                    .withPlatformView(jfr.platformView()).withDeviceView(jfr.deviceView())
                    .withStepListener(step -> progress.step());
            if (threadPerQueue) {
                run = run.withThreadPerQueue();
            }
            summary = run.record(target, load, codec, trace);
        }
        printSummary(out, load, summary, trace);
        if (jfr.enabled()) {
            out.println("flight recording " + jfr.file + " ('vblk report " + jfr.file + "' for latencies)");
        }
        List<StepResult> missed = summary.steps().stream().filter(StepResult::missedDevice).toList();
        if (!missed.isEmpty()) {
            StepResult first = missed.get(0);
            spec.commandLine().getErr().printf("%s: %d step(s) named a device or queue the scan did not find, the first "
                    + "step %d '%s': %s%n", spec.qualifiedName(), missed.size(), first.index() + 1, first.step(),
                    first.failure().orElseThrow());
            return ExitCodes.FOUND_PROBLEMS;
        }
        return ExitCodes.OK;
    }

    static void printSummary(PrintWriter out, Workload workload, RunSummary summary, Path trace) {
        out.printf("recorded workload %s on %d device(s) %s%n", workload.name(), summary.devices().size(), summary.devices());
        for (StepResult step : summary.steps()) {
            if (!step.succeeded()) {
                out.printf("  step %d '%s' failed: %s%n", step.index() + 1, step.step(), step.failure().orElseThrow());
            }
        }
        out.printf("%d operations (%d failed), %s moved, %d events in %d ms%n", summary.operations(), summary.failures(),
                Sizes.bytes(summary.dataBytes()), summary.events(), summary.wallTime().toMillis());
        out.printf("trace %s (%s)%n", trace, Sizes.bytes(summary.traceBytes()));
    }

    /** The preset called {@code name}. */
    static WorkloadPreset preset(String name) {
        return WorkloadPreset.named(name).orElseThrow(
                () -> new BadInputException("unknown preset '" + name + "'; the presets are " + WorkloadPreset.names()));
    }

    /** A workload's name without a file extension, for the default trace name. */
    static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** The preset names, for completion and help. */
    static final class PresetNames extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        PresetNames() {
            for (WorkloadPreset preset : WorkloadPreset.values()) {
                add(preset.presetName());
            }
        }
    }

    /** {@code read:SECTOR}, {@code write:SECTOR} or {@code flush}. */
    static final class ErrorRuleConverter implements ITypeConverter<BlkdebugRule> {
        @Override
        public BlkdebugRule convert(String value) {
            if (value.equals("flush")) {
                return BlkdebugRule.flushError();
            }
            int colon = value.indexOf(':');
            String kind = colon < 0 ? value : value.substring(0, colon);
            if (colon < 0 || !(kind.equals("read") || kind.equals("write"))) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected read:SECTOR, write:SECTOR or flush, not '" + value + "'");
            }
            long sector;
            try {
                sector = Long.parseLong(value.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new picocli.CommandLine.TypeConversionException("'" + value.substring(colon + 1)
                        + "' is not a sector number");
            }
            if (sector < 0) {
                throw new picocli.CommandLine.TypeConversionException("a sector number is not negative: " + sector);
            }
            return kind.equals("read") ? BlkdebugRule.readError(sector) : BlkdebugRule.writeError(sector);
        }
    }
}
