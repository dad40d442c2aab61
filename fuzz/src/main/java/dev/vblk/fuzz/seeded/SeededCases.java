package dev.vblk.fuzz.seeded;

import dev.vblk.fuzz.campaign.CaseRun;
import dev.vblk.fuzz.campaign.CaseSource;
import dev.vblk.fuzz.campaign.FailedCase;
import dev.vblk.fuzz.coverage.BehaviourCoverage;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.shrink.Shrunk;
import dev.vblk.replay.ReplayResult;
import dev.vblk.trace.Trace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/**
 * Trace-seeded cases: each case seed picks a trace from the corpus and a {@link TraceMutation} of it
 * ({@link TraceMutator}), run by the {@link SeededRunner}. The corpus starts as the seed traces given;
 * with guidance on, a passing case whose run reached new driver behaviour joins it (its recording is a
 * trace like any other), so later cases mutate further from there. A failing case is shrunk
 * ({@link SeededShrinker}) and its recording saved as {@code <seed>-<case seed in hex>.trace.avro}.
 */
public final class SeededCases implements CaseSource {

    /** The most recordings guidance adds to the corpus. */
    public static final int MAX_CORPUS = 512;

    private final List<SeedTrace> seeds;
    private final List<SeedTrace> corpus;
    private final SeededRunner runner;
    private final boolean guided;

    /**
     * @param seeds the traces to start from (at least one)
     * @param guided whether cases that reach new behaviour become seeds for later cases
     */
    public SeededCases(List<SeedTrace> seeds, SeededRunner runner, boolean guided) {
        if (seeds.isEmpty()) {
            throw new IllegalArgumentException("trace-seeded fuzzing needs at least one seed trace");
        }
        this.seeds = List.copyOf(seeds);
        this.corpus = new ArrayList<>(seeds);
        this.runner = runner;
        this.guided = guided;
    }

    /** What {@link CaseRun#source()} calls trace-seeded cases. */
    public static final String SOURCE = "trace-seeded";

    /** A trace-seeded case's seed and verdict. */
    record Run(SeedTrace seed, SeededVerdict verdict) implements CaseRun {
        @Override
        public List<Finding> findings() {
            return verdict.findings();
        }

        @Override
        public String source() {
            return SOURCE;
        }

        @Override
        public Optional<String> seedTrace() {
            return Optional.of(seed.name());
        }

        @Override
        public Optional<String> mutation() {
            return Optional.of(verdict.mutation().describe());
        }

        @Override
        public long platformCalls() {
            return verdict.platformCalls();
        }

        @Override
        public OptionalLong virtualNanos() {
            return verdict.virtualNanos();
        }

        @Override
        public BehaviourCoverage coverage() {
            return verdict.coverage();
        }
    }

    @Override
    public CaseRun run(long caseSeed) {
        SplittableRandom random = new SplittableRandom(caseSeed);
        SeedTrace seed = corpus.get(random.nextInt(corpus.size()));
        return new Run(seed, runner.run(seed, TraceMutator.draw(seed, random)));
    }

    @Override
    public void reachedNewBehaviour(CaseRun run) {
        SeededVerdict verdict = ((Run) run).verdict();
        if (!guided || !verdict.passed() || verdict.replay() != ReplayResult.Status.REPRODUCED
                || corpus.size() >= seeds.size() + MAX_CORPUS) {
            return;
        }
        Trace recorded = SeededRunner.read(verdict.recording());
        if (recorded.complete()) {
            corpus.add(SeedTrace.of(((Run) run).seed().name() + "+" + (corpus.size() - seeds.size() + 1), recorded));
        }
    }

    /** The traces cases are drawn from now: the seeds, then the recordings guidance kept. */
    public List<SeedTrace> corpus() {
        return List.copyOf(corpus);
    }

    @Override
    public FailedCase failure(long index, long caseSeed, CaseRun run, Path folder) {
        Run failed = (Run) run;
        Shrunk<SeededVerdict> shrunk = new SeededShrinker(runner).shrink(failed.seed(), failed.verdict());
        String name = failed.seed().name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + Long.toUnsignedString(caseSeed, 16);
        List<Path> saved = List.of();
        if (folder != null) {
            Path file = folder.resolve(name + ".trace.avro");
            try {
                Files.createDirectories(folder);
                Files.write(file, shrunk.verdict().recording());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the failing case to " + file, e);
            }
            saved = List.of(file);
        }
        return new FailedCase(index, caseSeed, name, SOURCE, "seed " + failed.seed().name() + ", "
                + failed.verdict().mutation().describe(), shrunk.verdict().findings(), shrunk.after(), shrunk.describe(),
                Optional.empty(), saved.isEmpty() ? Optional.empty() : Optional.of(saved.get(0)));
    }

    /** Without guidance the corpus is the seed traces throughout, so a case depends on its seed alone. */
    @Override
    public boolean independent() {
        return !guided;
    }

    @Override
    public String describe() {
        return "trace-seeded from " + seeds.stream().map(SeedTrace::name).toList() + (guided ? ", coverage-guided" : "");
    }
}
