package dev.vblk.fuzz.campaign;

import dev.vblk.fuzz.coverage.BehaviourCoverage;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.fuzz.shrink.ScenarioShrinker;
import dev.vblk.fuzz.shrink.Shrunk;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Cases generated from nothing: {@link ScenarioGenerator#generate(long)} of the case seed, judged by
 * the {@link ScenarioRunner}; a failing scenario is shrunk by {@link ScenarioShrinker} and saved in a
 * {@link FailureArchive} as {@code seed-<case seed in hex>}.
 */
public final class GeneratedCases implements CaseSource {

    private final ScenarioRunner runner;
    private final ScenarioShrinker shrinker;

    /** Generated cases judged by {@code runner}, shrunk with at most {@code shrinkRuns} more runs each. */
    public GeneratedCases(ScenarioRunner runner, int shrinkRuns) {
        this.runner = runner;
        this.shrinker = new ScenarioShrinker(runner, shrinkRuns);
    }

    /** What {@link CaseRun#source()} calls generated cases. */
    public static final String SOURCE = "generated";

    /** A generated case's verdict and the behaviour it reached. */
    record Run(Verdict verdict, BehaviourCoverage coverage) implements CaseRun {
        @Override
        public List<Finding> findings() {
            return verdict.findings();
        }

        @Override
        public String source() {
            return SOURCE;
        }

        @Override
        public long platformCalls() {
            return verdict.platformCalls();
        }
    }

    @Override
    public CaseRun run(long caseSeed) {
        BehaviourCoverage coverage = new BehaviourCoverage();
        return new Run(runner.run(ScenarioGenerator.generate(caseSeed), coverage), coverage);
    }

    @Override
    public FailedCase failure(long index, long caseSeed, CaseRun run, Path folder) {
        Shrunk<Verdict> shrunk = shrinker.shrink(((Run) run).verdict());
        String name = "seed-" + Long.toUnsignedString(caseSeed, 16);
        Optional<SavedFailure> saved = folder == null ? Optional.empty()
                : Optional.of(new FailureArchive(folder).saveFailure(name, shrunk.verdict()));
        return new FailedCase(index, caseSeed, name, SOURCE, "scenario of seed " + Long.toUnsignedString(caseSeed, 16),
                shrunk.verdict().findings(), shrunk.after(), shrunk.describe(), saved.map(SavedFailure::scenarioFile),
                saved.map(SavedFailure::traceFile));
    }

    /** True: a generated case is drawn from its seed alone, and the runner and shrinker keep no state between runs. */
    @Override
    public boolean independent() {
        return true;
    }

    @Override
    public String describe() {
        return "generated scenarios";
    }
}
