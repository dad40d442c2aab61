package dev.vblk.cli;

import dev.vblk.replay.DivergenceReport;
import dev.vblk.replay.ReplayOptions;
import dev.vblk.replay.ReplayResult;
import dev.vblk.replay.Replayer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vblk replay}: replays traces against the driver and says whether they were reproduced. */
@Command(name = "replay",
        sortOptions = false,
        description = {
            "Replay traces against the driver, several at once (--threads). Strict replay answers every",
            "platform call from the trace and requires the very same calls and outcomes; relaxed replay runs",
            "the driver on a fake device answering the trace's requests and compares only requests and",
            "outcomes; --until N replays strictly up to event N, then goes on live on the fake device. A",
            "divergence is reported with the event where it happened, what the trace has and what the driver",
            "did."},
        footer = {
            "",
            "Examples:",
            "  vblk replay traces/*.trace.avro",
            "  vblk replay --threads 4 traces",
            "  vblk replay --relaxed vblk-out/demo.trace.avro",
            "  vblk replay --until 120 traces/io-error.trace.avro",
            "  vblk replay traces/*.trace.avro --junit vblk-out/replay-report.xml",
            "",
            "Exit status 0 when every trace was reproduced, 1 when one diverged, 3 when one is damaged, cut",
            "short (unless --valid-prefix) or cannot be replayed (3 wins over 1)."})
final class ReplayCommand implements Callable<Integer> {

    @Parameters(paramLabel = "TRACE", arity = "1..*",
            description = "Trace files, or folders: every *.trace.avro file in them and their subfolders.")
    List<Path> traces;

    @Option(names = "--threads", paramLabel = "N",
            description = "Replay up to N traces at once (default: ${DEFAULT-VALUE}, one per processor); results are "
                    + "printed and reported in the order the traces were given.")
    int threads = Runtime.getRuntime().availableProcessors();

    /** Whether each replay reads its trace ahead on a thread of its own: only when it runs alone. */
    private boolean readAhead = true;

    @ArgGroup(exclusive = true)
    ModeChoice mode = new ModeChoice();

    /** {@code --relaxed} or {@code --until N}; strict without either. */
    static final class ModeChoice {
        @Option(names = "--relaxed", description = "Compare requests and outcomes only, on a fake device.")
        boolean relaxed;

        @Option(names = "--until", paramLabel = "N",
                description = "Strict up to event N, then live on the fake device (branch).")
        Integer until;
    }

    @Option(names = "--valid-prefix",
            description = "Replay a trace cut short up to its last complete operation instead of refusing it.")
    boolean validPrefix;

    @Option(names = "--junit", paramLabel = "FILE",
            description = "Also write a JUnit XML report: one test case per trace, a divergence as its failure.")
    Path junit;

    @Mixin
    JfrOptions jfr;

    @ParentCommand
    Vblk root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        List<Path> files = Inputs.traceFiles(traces);
        if (mode.until != null && mode.until < 0) {
            throw new BadInputException("--until must be an event index (0 or more), not " + mode.until);
        }
        if (threads < 1) {
            throw new BadInputException("--threads must be 1 or more, not " + threads);
        }
        Outputs outputs = Outputs.against(files);
        Path junitFile = junit == null ? null : outputs.file(junit, "JUnit report");
        JunitReport report = new JunitReport();
        PrintWriter out = spec.commandLine().getOut();
        Map<ReplayResult.Status, Integer> counts = new EnumMap<>(ReplayResult.Status.class);
        for (ReplayResult.Status status : ReplayResult.Status.values()) {
            counts.put(status, 0);
        }
        try (JfrOptions.Session recording = jfr.start(outputs);
                Progress progress = Progress.start(root.interactive() && files.size() > 1, "replay", files.size(), "traces")) {
            int workers = Math.min(threads, files.size());
            // A lone replay reads its trace ahead on a second thread; replays sharing the cores read their own.
            readAhead = workers == 1;
            InOrder.run(files, workers, this::timedReplay, verdict -> {
                ReplayResult result = verdict.result();
                report.add(result, verdict.time());
                if (result.status() == ReplayResult.Status.BAD_TRACE) {
                    spec.commandLine().getErr().println(spec.qualifiedName() + ": " + verdict.trace() + ": " + result.message()
                            + (!validPrefix && result.message().endsWith(" events are intact") ? " (--valid-prefix replays them)" : ""));
                } else {
                    out.print(result.render());
                    out.flush();
                }
                counts.merge(result.status(), 1, Integer::sum);
                int diverged = counts.get(ReplayResult.Status.DIVERGED);
                int bad = counts.get(ReplayResult.Status.BAD_TRACE);
                progress.step();
                progress.note(diverged + bad == 0 ? "" : diverged + " diverged, " + bad + " bad");
            });
        }
        if (junitFile != null) {
            report.write(junitFile);
        }
        int reproduced = counts.get(ReplayResult.Status.REPRODUCED);
        int diverged = counts.get(ReplayResult.Status.DIVERGED);
        int bad = counts.get(ReplayResult.Status.BAD_TRACE);
        if (files.size() > 1) {
            out.printf("%d trace(s): %d reproduced, %d diverged, %d bad%n", files.size(), reproduced, diverged, bad);
        }
        return bad > 0 ? ExitCodes.BAD_TRACE : diverged > 0 ? ExitCodes.FOUND_PROBLEMS : ExitCodes.OK;
    }

    /** One trace's verdict and how long its replay took. */
    private record Verdict(Path trace, ReplayResult result, Duration time) {}

    private Verdict timedReplay(Path trace) {
        long begin = System.nanoTime();
        ReplayResult result = replay(trace);
        return new Verdict(trace, result, Duration.ofNanos(System.nanoTime() - begin));
    }

    private ReplayResult replay(Path trace) {
        ReplayOptions options = ReplayOptions.DEFAULTS.withDriverView(jfr.platformView()).withDeviceView(jfr.deviceView());
        if (!readAhead) {
            options = options.withoutReadAhead();
        }
        if (validPrefix) {
            options = options.withValidPrefix();
        }
        ReplayVerdictEvent event = new ReplayVerdictEvent();
        event.begin();
        ReplayResult result = mode.relaxed ? Replayer.relaxed(trace, options)
                : mode.until != null ? Replayer.branch(trace, mode.until, options)
                : Replayer.strict(trace, options);
        event.end();
        if (event.shouldCommit()) {
            event.trace = trace.toString();
            event.mode = result.mode().name().toLowerCase(java.util.Locale.ROOT);
            event.status = result.status().name();
            event.eventsReplayed = result.eventsReplayed();
            event.operationsCompared = result.operationsCompared();
            event.divergenceEvent = result.divergence().map(report -> report.eventIndex().orElse(-1)).orElse(-1L);
            event.headline = result.divergence().map(DivergenceReport::headline).orElse(result.message());
            event.commit();
        }
        return result;
    }
}
