package dev.vblk.cli;

import dev.vblk.fuzz.campaign.CampaignProgress;
import dev.vblk.fuzz.campaign.CampaignResult;
import dev.vblk.fuzz.campaign.CampaignSettings;
import dev.vblk.fuzz.campaign.FuzzCampaign;
import dev.vblk.fuzz.oracle.Verdict;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
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

/** {@code vblk fuzz}: a fuzz campaign of hostile-device scenarios against the driver, on the fake device. */
@Command(name = "fuzz",
        sortOptions = false,
        description = {
            "Run the driver against generated hostile devices (bad register values, scripted request",
            "outcomes, allocator refusals, faults between calls) on the fake device, and judge every case",
            "with the oracle. The same seed gives the same cases; failing scenarios are saved as JSON",
            "files in the output folder (docs/fuzzing.md says how to replay them)."},
        footer = {
            "",
            "Examples:",
            "  vblk fuzz --seed 42 --iterations 5000",
            "  vblk fuzz --duration 2m --out vblk-out/fuzz --jfr fuzz.jfr",
            "",
            "Exit status 0 when every case passed, 1 when some failed."})
final class FuzzCommand implements Callable<Integer> {

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
            description = "Folder for failing scenarios (default: ${DEFAULT-VALUE}).")
    Path folder;

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
        long campaignSeed = seed != null ? seed : System.nanoTime();
        long cases = iterations != null ? iterations : duration != null ? Long.MAX_VALUE : DEFAULT_ITERATIONS;
        Outputs outputs = Outputs.against(List.of());
        CampaignSettings settings = CampaignSettings.of(campaignSeed, cases)
                .withFailureFolder(outputs.folder(folder, "failure folder", spec.commandLine().getParseResult().hasMatchedOption("--out")))
                .withProgressInterval(1);
        if (duration != null) {
            settings = settings.withDuration(duration);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("fuzz campaign: seed %d, %s%n", campaignSeed, iterations != null && duration != null
                ? iterations + " cases or " + duration.toSeconds() + " s" : duration != null ? duration.toSeconds() + " s"
                : cases + " cases");
        out.flush();
        CampaignResult result;
        try (JfrOptions.Session recording = jfr.start(outputs);
                Progress progress = Progress.start(root.interactive(), "fuzz",
                        cases == Long.MAX_VALUE ? -1 : cases, "cases")) {
            result = new FuzzCampaign(settings).run(new CaseEvents(campaignSeed, progress));
        }
        out.printf("%d cases in %.1f s (%.0f cases/s), %d failed%n", result.cases(), result.elapsed().toMillis() / 1000.0,
                result.casesPerSecond(), result.failures().size());
        for (int i = 0; i < result.failures().size(); i++) {
            Verdict verdict = result.failures().get(i);
            out.printf("failure %d: seed %x%n", i + 1, verdict.scenario().seed());
            verdict.findings().forEach(finding -> out.println("  " + finding));
            if (i < result.saved().size()) {
                out.println("  saved " + result.saved().get(i));
            }
        }
        out.println("repeat with: vblk fuzz --seed " + campaignSeed + " --iterations " + result.cases());
        return result.failures().isEmpty() ? ExitCodes.OK : ExitCodes.FOUND_PROBLEMS;
    }

    /**
     * Told after every case (the campaign reports progress each case): moves the progress bar and
     * emits one {@link FuzzCaseEvent} spanning the case.
     */
    private static final class CaseEvents implements Consumer<CampaignProgress> {
        private final long campaignSeed;
        private final Progress progress;
        private FuzzCaseEvent event = started();
        private long cases;
        private long failures;

        CaseEvents(long campaignSeed, Progress progress) {
            this.campaignSeed = campaignSeed;
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
                event.caseIndex = cases;
                event.seed = Long.toHexString(FuzzCampaign.caseSeed(campaignSeed, cases));
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
