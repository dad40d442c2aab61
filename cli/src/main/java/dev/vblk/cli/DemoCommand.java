package dev.vblk.cli;

import dev.vblk.fuzz.campaign.CampaignResult;
import dev.vblk.fuzz.campaign.CampaignSettings;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.harness.FakeTarget;
import dev.vblk.harness.QemuTarget;
import dev.vblk.harness.RecordRun;
import dev.vblk.harness.RunSummary;
import dev.vblk.harness.SignedImages;
import dev.vblk.harness.Target;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuBinary;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.replay.ReconstructedRequest;
import dev.vblk.replay.ReplayResult;
import dev.vblk.replay.RequestReconstructor;
import dev.vblk.replay.Replayer;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import dev.vblk.workload.Workload;
import dev.vblk.workload.WorkloadPreset;
import java.io.IOException;
import java.io.PrintWriter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vblk demo}: the whole harness once, on a fresh machine: a disk image, a recording on QEMU (or
 * the fake device), the trace inspected and replayed, a short fuzz campaign.
 */
@Command(name = "demo",
        sortOptions = false,
        description = {
            "Show what vblk does, start to end: make a 1 MiB disk image, record the 'standard' workload on",
            "QEMU's real virtio-blk device (on the fake device when QEMU is missing), summarise and replay",
            "the trace, and fuzz the driver for a few seconds. Files go to the output folder."},
        footer = {
            "",
            "Examples:",
            "  vblk demo",
            "  vblk demo --out /tmp/demo --fake"})
final class DemoCommand implements Callable<Integer> {

    /** How long the demo fuzzes. */
    static final Duration FUZZ_TIME = Duration.ofSeconds(3);

    /** The demo campaign's seed, so that two demos run the same cases first. */
    static final long FUZZ_SEED = 2026;

    /** The demo disk: 2048 signed sectors, what the presets expect. */
    static final int DISK_SECTORS = 2048;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "vblk-out",
            description = "Folder for the image, trace and fuzz results (default: ${DEFAULT-VALUE}).")
    Path folder;

    @Option(names = "--fake", description = "Use the fake device even when QEMU is installed.")
    boolean fake;

    @Option(names = "--qemu", paramLabel = "PATH", description = "The qemu-system-aarch64 executable.")
    Path qemu;

    @ParentCommand
    Vblk root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Outputs outputs = Outputs.against(Arrays.asList(qemu));
        outputs.folder(folder, "output folder", spec.commandLine().getParseResult().hasMatchedOption("--out"));
        out.println("vblk demo: files go to " + folder + "/");
        Workload workload = WorkloadPreset.STANDARD.workload();

        Optional<QemuBinary> binary = fake ? Optional.empty() : qemu != null ? Optional.of(QemuBinary.locate(qemu)) : QemuBinary.find();
        Target target;
        String machine;
        Path image = null;
        if (binary.isPresent()) {
            image = SignedImages.raw(folder, outputs.file(folder.resolve("demo.img"), "disk image").getFileName().toString(),
                    DISK_SECTORS);
            out.printf("disk image  %s: %d sectors (%s), each holding its sector signature%n", image, DISK_SECTORS,
                    Sizes.bytes((long) DISK_SECTORS * 512));
            target = new QemuTarget(QemuConfig.builder().binary(binary.get().path()).drive(DriveConfig.raw(image)).build());
            machine = binary.get().version() + " (" + binary.get().path() + ")";
        } else {
            if (!fake) {
                out.println("QEMU not found: recording on the software fake device instead. For QEMU's real device, "
                        + "install it with: apt-get install -y qemu-system-arm qemu-utils");
            }
            target = FakeTarget.signedDisk("demo-disk", DISK_SECTORS);
            machine = "the fake virtio-blk device (in memory, " + DISK_SECTORS + " signed sectors)";
        }

        Path tracePath = outputs.file(folder.resolve("demo.trace.avro"), "trace");
        out.println();
        out.println("== record: workload 'standard' (" + workload.steps().size() + " steps) on " + machine);
        RunSummary summary = RecordRun.QEMU_VIRT.record(target, workload, TraceCodec.DEFAULT, tracePath);
        RecordCommand.printSummary(out, workload, summary, tracePath);

        out.println();
        out.println("== inspect --summary " + tracePath + " (operations)");
        Trace trace = TraceReader.readComplete(tracePath);
        OperationLines operations = new OperationLines();
        TraceStats.Counter counter = new TraceStats.Counter();
        for (TraceEvent event : trace.events()) {
            counter.accept(event);
            operations.accept(event).forEach(line -> out.println(line.render()));
        }
        operations.finish().forEach(line -> out.println(line.render()));
        out.println("events by kind: " + counter.stats().events());
        List<ReconstructedRequest> requests = RequestReconstructor.reconstruct(trace.events(), InspectCommand.window(trace.metadata()));
        out.printf("%d virtio-blk requests rebuilt from the descriptor chains, for example:%n", requests.size());
        requests.stream().limit(3).forEach(request -> out.println("  " + request.describe()));

        out.println();
        out.println("== replay (strict: every platform call answered from the trace, none allowed to differ)");
        ReplayResult replay = Replayer.strict(tracePath);
        out.print(replay.render());

        out.println();
        out.println("== fuzz: hostile-device scenarios on the fake device for " + FUZZ_TIME.toSeconds() + " s (seed "
                + FUZZ_SEED + ")");
        out.flush();
        Path fuzzFolder = folder.resolve("fuzz");
        CampaignResult fuzz;
        try (Progress progress = Progress.start(root.interactive(), "fuzz", -1, "cases")) {
            fuzz = new FuzzCampaign(CampaignSettings.of(FUZZ_SEED, Long.MAX_VALUE).withDuration(FUZZ_TIME)
                    .withFailureFolder(fuzzFolder).withProgressInterval(10)).run(report -> progress.stepTo(report.casesDone()));
        }
        out.printf("%d cases, %d failed%s%n", fuzz.cases(), fuzz.failures().size(),
                fuzz.failures().isEmpty() ? "" : ": saved in " + fuzzFolder);

        out.println();
        out.println("== summary");
        out.printf("recorded     %d operations (%d failed) into %d events on %s%n", summary.operations(),
                summary.failures(), summary.events(), binary.isPresent() ? "QEMU" : "the fake device");
        out.printf("replayed     %s: %d of %d operations%n", replay.status(), replay.operationsCompared(),
                replay.operationsInTrace());
        out.printf("fuzzed       %d cases, %d failed%n", fuzz.cases(), fuzz.failures().size());
        out.printf("files        %s%s%s%n", tracePath, image == null ? "" : ", " + image,
                fuzz.failures().isEmpty() ? "" : ", " + fuzzFolder);
        out.println("next         vblk inspect " + tracePath + "   (every event, decoded)");
        out.println("more         vblk --help; README.md; docs/");
        return replay.reproduced() && fuzz.failures().isEmpty() ? ExitCodes.OK : ExitCodes.FOUND_PROBLEMS;
    }
}
