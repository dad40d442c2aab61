package dev.vblk.fuzz.seeded;

import dev.vblk.fuzz.coverage.BehaviourCoverage;
import dev.vblk.fuzz.coverage.CoverageProbe;
import dev.vblk.fuzz.oracle.CallBudgetExceeded;
import dev.vblk.fuzz.oracle.CountingPlatform;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.platform.Platform;
import dev.vblk.recorder.RecordingPlatform;
import dev.vblk.recorder.TraceRecorder;
import dev.vblk.replay.ReplayOptions;
import dev.vblk.replay.ReplayResult;
import dev.vblk.replay.Replayer;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Runs one trace-seeded case: the seed trace with one {@link TraceMutation} made is replayed strictly
 * up to the mutation's event (the driver gets the changed answer there), then live on the fake
 * machine kept in step with the replay ({@link Replayer#branch}); the whole run is recorded as a new
 * trace, which {@link TraceOracle} judges. The recording replays strictly to the same calls and
 * outcomes, so it gives the same findings again.
 */
public final class SeededRunner {

    /** Platform metadata key naming the seed trace a recorded case started from. */
    public static final String SEED_KEY = "fuzz.seedTrace";
    /** Platform metadata key describing the mutation. */
    public static final String MUTATION_KEY = "fuzz.mutation";

    private final UnaryOperator<Platform> driverView;
    private final long callBudget;

    /** A runner for the driver as it is, with {@link ScenarioRunner#DEFAULT_CALL_BUDGET} platform calls per case. */
    public SeededRunner() {
        this(UnaryOperator.identity(), ScenarioRunner.DEFAULT_CALL_BUDGET);
    }

    /**
     * @param driverView wraps the platform the driver sees, outside the recording: a test stands in a
     *     changed (for example a deliberately broken) driver with it
     * @param callBudget the platform calls one case may make before it is stopped as a hang
     */
    public SeededRunner(UnaryOperator<Platform> driverView, long callBudget) {
        this.driverView = Objects.requireNonNull(driverView, "driverView");
        if (callBudget <= 0) {
            throw new IllegalArgumentException("call budget must be positive: " + callBudget);
        }
        this.callBudget = callBudget;
    }

    /** Runs {@code seed} with {@code mutation} made and judges the run. */
    public SeededVerdict run(SeedTrace seed, TraceMutation mutation) {
        Trace mutated = new Trace(seed.trace().metadata(), mutation.applyTo(seed.trace().events()), seed.trace().complete());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BehaviourCoverage coverage = new BehaviourCoverage();
        List<Finding> stopped = new ArrayList<>();
        ReplayResult.Status status;
        try (TraceRecorder recorder = new TraceRecorder(TraceWriter.create(bytes, metadata(seed, mutation), TraceCodec.NONE))) {
            ReplayOptions options = ReplayOptions.DEFAULTS.withRecording(recorder)
                    .withAtBranch(mutation::atBranch)
                    .withDriverView(platform -> driverView.apply(new RecordingPlatform(new CountingPlatform(
                            new CoverageProbe(platform, seed.window(), coverage), seed.window().baseAddress(),
                            seed.window().endAddress() - seed.window().baseAddress(), callBudget), recorder)));
            try {
                status = Replayer.branch(mutated, seed.name(), mutation.branchAt(), options).status();
            } catch (CallBudgetExceeded e) {
                status = ReplayResult.Status.DIVERGED;
                stopped.add(new Finding(Invariant.BOUNDED, "the case", e.getMessage()));
            }
        }
        byte[] recording = bytes.toByteArray();
        List<TraceEvent> events = read(recording).events();
        List<Finding> findings = new ArrayList<>(TraceOracle.judge(events, seed.window()));
        if (findings.stream().noneMatch(finding -> finding.invariant() == Invariant.BOUNDED)) {
            findings.addAll(stopped);
        }
        long calls = 0;
        long firstClock = -1;
        long lastClock = -1;
        int clockReads = 0;
        for (TraceEvent event : events) {
            if (!(event instanceof TraceEvent.OperationBegin || event instanceof TraceEvent.OperationEnd)) {
                calls++;
            }
            if (event instanceof TraceEvent.ClockRead clock) {
                firstClock = clockReads++ == 0 ? clock.nanos() : firstClock;
                lastClock = clock.nanos();
            }
        }
        return new SeededVerdict(seed.name(), mutation, findings, status, recording, coverage, calls,
                clockReads < 2 ? OptionalLong.empty() : OptionalLong.of(lastClock - firstClock));
    }

    /** A recording made by {@link #run} (or a trace file's bytes), read into memory. */
    public static Trace read(byte[] recording) {
        List<TraceEvent> events = new ArrayList<>();
        try (TraceReader reader = TraceReader.open(new ByteArrayInputStream(recording), TraceReader.Mode.VALID_PREFIX)) {
            reader.forEachRemaining(events::add);
            return new Trace(reader.metadata(), events, reader.isComplete());
        }
    }

    private static TraceMetadata metadata(SeedTrace seed, TraceMutation mutation) {
        TraceMetadata original = seed.trace().metadata();
        TreeMap<String, String> platform = new TreeMap<>(original.platform());
        platform.put(SEED_KEY, seed.name());
        platform.put(MUTATION_KEY, mutation.describe());
        return TraceMetadata.of(original.created(), platform, original.diskImages(), original.workload(), original.seed(),
                original.board());
    }
}
