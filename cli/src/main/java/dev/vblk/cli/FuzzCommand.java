package dev.vblk.cli;

import dev.vblk.fuzz.campaign.CampaignProgress;
import dev.vblk.fuzz.campaign.CampaignResult;
import dev.vblk.fuzz.campaign.CampaignSettings;
import dev.vblk.fuzz.campaign.CaseSource;
import dev.vblk.fuzz.campaign.FailedCase;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.campaign.GeneratedCases;
import dev.vblk.fuzz.campaign.Shard;
import dev.vblk.fuzz.msix.MsixCases;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.results.ResultFiles;
import dev.vblk.fuzz.seeded.SeedTrace;
import dev.vblk.fuzz.seeded.SeededCases;
import dev.vblk.fuzz.seeded.SeededRunner;
import dev.vblk.fuzz.shrink.ScenarioShrinker;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code vblk fuzz}: a fuzz campaign against the driver on the fake device, of generated hostile
 * devices or of mutations of recorded traces ({@code --from}), whole or one shard of it.
 */
@Command(name = "fuzz",
        sortOptions = false,
        subcommands = FuzzMergeCommand.class,
        description = {
            "Run the driver against generated hostile devices (bad register values, scripted request",
            "outcomes, allocator refusals, faults between calls) on the fake device, or, with --from,",
            "against recorded traces whose device answers are changed at one event (strict replay up to",
            "it, then live on the fake machine kept in step), and judge every case with the oracle. The",
            "same seed gives the same cases; failing cases are shrunk and saved in the output folder",
            "(docs/fuzzing.md says how to replay them)."},
        footer = {
            "",
            "Examples:",
            "  vblk fuzz --seed 42 --iterations 5000",
            "  vblk fuzz --duration 2m --out vblk-out/fuzz --jfr fuzz.jfr",
            "  vblk fuzz --from traces/io-error.trace.avro traces/write-read.trace.avro --iterations 2000",
            "  vblk fuzz --seed 7 --iterations 1000000 --shard 2/4",
            "  vblk fuzz --seed 7 --iterations 300000 --threads 1",
            "  vblk fuzz merge all.avro s1/cases.avro s2/cases.avro",
            "",
            "Exit status 0 when every case passed, 1 when some failed."})
final class FuzzCommand implements Callable<Integer> {

    /** The generated cases of {@code --family}: scenarios on virtio-mmio, or MSI-X cases on virtio-pci. */
    static final String SCENARIOS = "scenarios";
    static final String MSIX = "msix";

    /** Cases run when neither --iterations nor --duration is given. */
    static final long DEFAULT_ITERATIONS = 1_000;

    @Option(names = "--seed", paramLabel = "N", description = "Campaign seed (default: a new one, printed).")
    Long seed;

    @Option(names = "--iterations", paramLabel = "N",
            description = "Stop after N cases (default: " + DEFAULT_ITERATIONS + " unless --duration is given).")
    Long iterations;

    @Option(names = "--duration", paramLabel = "TIME", converter = DurationConverter.class,
            description = "Stop after this long, such as 30s, 5m, 1h (with --iterations: whichever comes first).")
    Duration duration;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "vblk-out/fuzz",
            description = "Folder for failing cases and the campaign's results (" + ResultFiles.CASES + ", "
                    + ResultFiles.FAILURES + ", " + ResultFiles.SUMMARY + "; default: ${DEFAULT-VALUE}).")
    Path folder;

    @Option(names = "--from", paramLabel = "TRACE", arity = "1..*",
            description = "Seed traces: mutate what their device answered instead of generating devices.")
    List<Path> seedTraces;

    @Option(names = "--shard", paramLabel = "I/N", converter = ShardConverter.class,
            description = "Run only the I-th of N parts of the campaign (every N-th case); the N parts together run it whole.")
    Shard shard;

    @Option(names = "--threads", paramLabel = "N",
            description = "Run N cases at once (default: one per processor); the results are those of one thread, in case order.")
    Integer threads;

    @Option(names = "--family", paramLabel = "NAME", defaultValue = SCENARIOS,
            description = "The generated cases: " + SCENARIOS + " (hostile devices in a virtio-mmio slot, the default) or "
                    + MSIX + " (a virtio-blk-pci function whose MSI-X vectors and capability misbehave).")
    String family;

    @Option(names = "--no-guidance",
            description = "With --from: do not keep runs that reach new driver behaviour as further seeds.")
    boolean noGuidance;

    @Mixin
    JfrOptions jfr;

    @ParentCommand
    Vblk root;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (iterations != null && iterations < 1) {
            throw new BadInputException("--iterations must be at least 1, not " + iterations);
        }
        if (threads != null && threads < 1) {
            throw new BadInputException("--threads must be at least 1, not " + threads);
        }
        CaseSource source = source();
        long campaignSeed = seed != null ? seed : System.nanoTime();
        long cases = iterations != null ? iterations : duration != null ? Long.MAX_VALUE : DEFAULT_ITERATIONS;
        Outputs outputs = Outputs.against(seedTraces == null ? List.of() : seedTraces);
        Path outFolder = outputs.folder(folder, "output folder", spec.commandLine().getParseResult().hasMatchedOption("--out"));
        for (String file : List.of(ResultFiles.CASES, ResultFiles.FAILURES, ResultFiles.SUMMARY)) {
            outputs.file(outFolder.resolve(file), "campaign results file");
        }
        CampaignSettings settings = CampaignSettings.of(campaignSeed, cases)
                .withFailureFolder(outFolder)
                .withResultsFolder(outFolder)
                .withProgressInterval(1)
                .withShard(shard == null ? Shard.WHOLE : shard)
                .withThreads(threads != null ? threads : Runtime.getRuntime().availableProcessors());
        if (duration != null) {
            settings = settings.withDuration(duration);
        }
        FuzzCampaign campaign = new FuzzCampaign(settings, source, System::nanoTime);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("fuzz campaign: seed %d, %s, %s%s, %s%s%n", campaignSeed, iterations != null && duration != null
                ? iterations + " cases or " + duration.toSeconds() + " s" : duration != null ? duration.toSeconds() + " s"
                : cases + " cases", source.describe(), shard == null ? "" : ", shard " + shard,
                campaign.threads() == 1 ? "1 thread" : campaign.threads() + " threads",
                campaign.threads() < settings.threads() ? " (guided cases depend on earlier ones)" : "");
        out.flush();
        CampaignResult result;
        try (JfrOptions.Session recording = jfr.start(outputs);
                Progress progress = Progress.start(root.interactive(), "fuzz",
                        cases == Long.MAX_VALUE ? -1 : cases, "cases")) {
            result = campaign.run(new CaseEvents(campaignSeed, settings.shard(), progress));
        }
        out.printf("%d cases in %.1f s (%.0f cases/s), %d failed%n", result.cases(), result.elapsed().toMillis() / 1000.0,
                result.casesPerSecond(), result.failures().size());
        out.printf("coverage: %d (register, direction, value class) keys, %d cases reached new ones%n", result.coverage(),
                result.casesWithNewBehaviour());
        for (int i = 0; i < result.failures().size(); i++) {
            FailedCase failure = result.failures().get(i);
            out.printf("failure %d: case %d, %s%n", i + 1, failure.index(), failure.description());
            failure.findings().forEach(finding -> out.println("  " + finding));
            out.println("  " + failure.shrinking());
            failure.saved().forEach(file -> out.println("  saved " + file));
        }
        out.printf("results: %s, failure corpus: %s, summary: %s%n", folder.resolve(ResultFiles.CASES),
                folder.resolve(ResultFiles.FAILURES), folder.resolve(ResultFiles.SUMMARY));
        out.println("repeat with: vblk fuzz --seed " + campaignSeed + " --iterations " + settings.maxCases()
                + (seedTraces == null ? "" : " --from " + String.join(" ", seedTraces.stream().map(Path::toString).toList()))
                + (shard == null ? "" : " --shard " + shard) + (noGuidance ? " --no-guidance" : "")
                + (family.equals(MSIX) ? " --family " + MSIX : ""));
        return result.failures().isEmpty() ? ExitCodes.OK : ExitCodes.FOUND_PROBLEMS;
    }

    /** The cases to run: generated ones, or mutations of the seed traces (each checked first). */
    private CaseSource source() {
        if (!family.equals(SCENARIOS) && !family.equals(MSIX)) {
            throw new BadInputException("no fuzz family '" + family + "': " + SCENARIOS + " or " + MSIX);
        }
        if (seedTraces == null) {
            if (noGuidance) {
                throw new BadInputException("--no-guidance applies to --from; generated cases are not guided");
            }
            return family.equals(MSIX) ? new MsixCases() : new GeneratedCases(new ScenarioRunner(), ScenarioShrinker.DEFAULT_RUNS);
        }
        if (family.equals(MSIX)) {
            throw new BadInputException("--family applies to generated cases, not to --from");
        }
        List<SeedTrace> seeds = new ArrayList<>();
        for (Path trace : seedTraces) {
            if (!Files.isRegularFile(trace)) {
                throw new BadInputException("no seed trace " + trace);
            }
            try {
                seeds.add(SeedTrace.read(trace));
            } catch (IllegalArgumentException e) {
                throw new BadInputException(e.getMessage(), e);
            }
        }
        return new SeededCases(seeds, new SeededRunner(), !noGuidance);
    }

    /**
     * Told after every case (the campaign reports progress each case): moves the progress bar and
     * emits one {@link FuzzCaseEvent} spanning the time from the previous case's result to this one's
     * (on one thread, the case's run).
     */
    private static final class CaseEvents implements Consumer<CampaignProgress> {
        private final long campaignSeed;
        private final Shard shard;
        private final Progress progress;
        private FuzzCaseEvent event = started();
        private long cases;
        private long failures;

        CaseEvents(long campaignSeed, Shard shard, Progress progress) {
            this.campaignSeed = campaignSeed;
            this.shard = shard;
            this.progress = progress;
        }

        private static FuzzCaseEvent started() {
            FuzzCaseEvent event = new FuzzCaseEvent();
            event.begin();
            return event;
        }

        @Override
        public void accept(CampaignProgress report) {
            if (report.casesDone() == cases) {
                return;
            }
            event.end();
            if (event.shouldCommit()) {
                event.caseIndex = shard.firstCase() + cases * shard.count();
                event.seed = Long.toHexString(FuzzCampaign.caseSeed(campaignSeed, event.caseIndex));
                event.passed = report.failures() == failures;
                event.commit();
            }
            cases = report.casesDone();
            failures = report.failures();
            progress.stepTo(cases);
            progress.note(failures == 0 ? "" : failures + " failed");
            event = started();
        }
    }

    /** {@code I/N}, such as {@code 2/4}. */
    static final class ShardConverter implements ITypeConverter<Shard> {
        @Override
        public Shard convert(String value) {
            try {
                return Shard.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}. */
    static final class DurationConverter implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h)").matcher(value);
            if (!matcher.matches()) {
                throw new TypeConversionException("expected a duration such as 500ms, 30s, 5m or 1h, not '" + value + "'");
            }
            long amount = Long.parseLong(matcher.group(1));
            Duration duration = switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
            if (duration.isZero()) {
                throw new TypeConversionException("a duration must be more than 0");
            }
            return duration;
        }
    }
}
