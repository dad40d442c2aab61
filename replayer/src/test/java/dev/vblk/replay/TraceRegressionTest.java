package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.session.BoardParameters;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression suite: every trace under {@code traces/} at the repository root (recursively,
 * {@code regressions/} included) must replay strictly and reproduce its recording, failures
 * included. Relaxed replay must reproduce every trace too, except under {@code traces/regressions/}:
 * a regression trace recorded from a hostile device may hold behaviour relaxed replay cannot model,
 * and then relaxed replay must give BAD_TRACE saying why, or the trace must declare in its platform
 * metadata what relaxed replay cannot model ({@value #UNMODELLED}) and after how many operations
 * ({@value #MODELLED_OPERATIONS}); those first operations must then reproduce in relaxed replay. A
 * divergence is never accepted. With no trace there, there is nothing to check.
 */
class TraceRegressionTest {

    static final String SUFFIX = ".trace.avro";
    /** Platform metadata key: what relaxed replay cannot model in the trace, one item per line. */
    static final String UNMODELLED = "relaxed.unmodelled";
    /** Platform metadata key: how many top-level operations from the start relaxed replay can reproduce. */
    static final String MODELLED_OPERATIONS = "relaxed.modelledOperations";

    @TempDir
    Path dir;

    /** The folder whose pom.xml lists the driver module, found walking up from the working directory. */
    static Path repositoryRoot() {
        for (Path at = Paths.get("").toAbsolutePath(); at != null; at = at.getParent()) {
            Path pom = at.resolve("pom.xml");
            try {
                if (Files.isRegularFile(pom) && Files.readString(pom).contains("<module>driver</module>")) {
                    return at;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + pom, e);
            }
        }
        throw new IllegalStateException("no folder above " + Paths.get("").toAbsolutePath()
                + " has a pom.xml listing <module>driver</module>");
    }

    /** Every {@code *.trace.avro} under {@code root/traces}, sorted; none if the folder does not exist. */
    static List<Path> traces(Path root) {
        Path folder = root.resolve("traces");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
    }

    /** Whether {@code trace} lies in a {@code regressions} folder. */
    static boolean isRegression(Path trace) {
        Path parent = trace.toAbsolutePath().getParent();
        return parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("regressions");
    }

    /**
     * Replays {@code trace} strictly, then relaxed, with the rule for its folder; fails naming the
     * trace, with the report, unless both pass.
     *
     * @return the relaxed verdict: REPRODUCED, or for a regression trace BAD_TRACE saying what
     *     relaxed replay cannot model
     */
    static ReplayResult check(Path trace) {
        ReplayResult strict = Replayer.strict(trace);
        if (!strict.reproduced()) {
            throw notReproduced(trace, strict);
        }
        return isRegression(trace) ? relaxedRegression(trace) : relaxedMustReproduce(trace);
    }

    private static ReplayResult relaxedMustReproduce(Path trace) {
        ReplayResult relaxed = Replayer.relaxed(trace);
        if (!relaxed.reproduced()) {
            throw notReproduced(trace, relaxed);
        }
        return relaxed;
    }

    private static ReplayResult relaxedRegression(Path path) {
        return judgeRelaxedRegression(path, Replayer.relaxed(path));
    }

    /**
     * The rule for a regression trace's relaxed result: REPRODUCED; BAD_TRACE only with the reason
     * the fake machine gives for not taking the trace's board or devices; DIVERGED only for a trace
     * that declares what relaxed replay cannot model, whose declared part reproduces.
     */
    static ReplayResult judgeRelaxedRegression(Path path, ReplayResult relaxed) {
        if (relaxed.status() == ReplayResult.Status.REPRODUCED) {
            return relaxed;
        }
        Trace trace = TraceReader.readComplete(path);
        if (relaxed.status() == ReplayResult.Status.BAD_TRACE) {
            Optional<String> refusal = machineRefusal(trace);
            if (refusal.isPresent() && relaxed.message().equals("the trace cannot be replayed: " + refusal.get())) {
                return relaxed;
            }
            throw new AssertionError("relaxed replay of " + path + " gives BAD_TRACE, but not because the fake machine "
                    + "cannot take its board or devices (" + refusal.orElse("it can") + "): " + relaxed.message());
        }
        String unmodelled = trace.metadata().platform().getOrDefault(UNMODELLED, "").strip();
        if (unmodelled.isEmpty()) {
            throw new AssertionError("trace " + path + " does not reproduce in relaxed replay and declares nothing"
                    + " relaxed replay cannot model (platform metadata " + UNMODELLED + ")\n" + relaxed.render());
        }
        int modelled = modelledOperations(path, trace);
        ReplayResult prefix = null;
        if (modelled > 0) {
            prefix = Replayer.relaxed(firstOperations(trace, modelled), path.toString(), ReplayOptions.DEFAULTS);
            if (!prefix.reproduced()) {
                throw new AssertionError("trace " + path + " declares its first " + modelled
                        + " operation(s) replayable in relaxed replay, but they do not reproduce\n" + prefix.render());
            }
        }
        return new ReplayResult(path.toString(), ReplayResult.Mode.RELAXED, ReplayResult.Status.BAD_TRACE, false,
                prefix == null ? 0 : prefix.eventsReplayed(), modelled, relaxed.operationsInTrace(), Optional.empty(),
                "relaxed replay cannot model this trace after its first " + modelled + " operation(s): "
                        + unmodelled.replace("\n", "; "),
                List.of("relaxed replay of the whole trace: " + relaxed.message()));
    }

    /** Why the fake machine of relaxed replay cannot take the trace, if it cannot. */
    private static Optional<String> machineRefusal(Trace trace) {
        try {
            TraceDrivenMachine.fromTrace(trace.events(), BoardParameters.fromMap(trace.metadata().board()).window());
            return Optional.empty();
        } catch (UnreplayableTraceException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static int modelledOperations(Path path, Trace trace) {
        String text = trace.metadata().platform().get(MODELLED_OPERATIONS);
        try {
            int modelled = Integer.parseInt(text == null ? "" : text);
            if (modelled >= 0) {
                return modelled;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new AssertionError("trace " + path + " declares " + UNMODELLED + " but its " + MODELLED_OPERATIONS
                + " is not a count of operations: " + text);
    }

    /** The trace cut after its first {@code count} complete top-level operations. */
    static Trace firstOperations(Trace trace, int count) {
        List<TraceEvent> events = trace.events();
        int depth = 0;
        int seen = 0;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof TraceEvent.OperationBegin) {
                depth++;
            } else if (events.get(i) instanceof TraceEvent.OperationEnd && --depth == 0 && ++seen == count) {
                return new Trace(trace.metadata(), events.subList(0, i + 1), false);
            }
        }
        return trace;
    }

    private static AssertionError notReproduced(Path trace, ReplayResult result) {
        return new AssertionError("trace " + trace + " does not reproduce in "
                + result.mode().name().toLowerCase(Locale.ROOT) + " replay\n" + result.render());
    }

    @TestFactory
    Stream<DynamicTest> everyTraceInTheRepositoryReproduces(TestReporter reporter) {
        Path root = repositoryRoot();
        return traces(root).stream().map(trace -> DynamicTest.dynamicTest(root.relativize(trace).toString(), () -> {
            ReplayResult relaxed = check(trace);
            if (!relaxed.reproduced()) {
                reporter.publishEntry(root.relativize(trace).toString(), relaxed.render());
            }
        }));
    }

    @Test
    void theRepositoryRootIsTheFolderWithTheDriverModule() {
        Path root = repositoryRoot();

        assertTrue(Files.isRegularFile(root.resolve("driver/pom.xml")), root.toString());
        assertTrue(Files.isRegularFile(root.resolve("replayer/pom.xml")), root.toString());
    }

    @Test
    void findsTracesRecursivelyAndPassesFakeRecordingsWithFailures() throws IOException {
        Path regressions = Files.createDirectories(dir.resolve("traces/regressions"));
        FakeTraces.record(dir.resolve("traces/mixed" + SUFFIX), RequestHook.NORMAL, FakeTraces.mixedWorkload());
        FakeTraces.record(regressions.resolve("io-error" + SUFFIX), RequestHook.NORMAL.at(2, RequestOutcome.status(1)),
                FakeTraces.mixedWorkload());
        Files.writeString(regressions.resolve("notes.txt"), "not a trace");

        List<Path> found = traces(dir);

        assertEquals(List.of(dir.resolve("traces/mixed" + SUFFIX), regressions.resolve("io-error" + SUFFIX)), found);
        found.forEach(TraceRegressionTest::check);
        assertEquals(List.of(), traces(dir.resolve("nowhere")));
    }

    @Test
    void aTraceThatDoesNotReproduceFailsWithItsNameAndReport() {
        Path original = FakeTraces.record(dir.resolve("good" + SUFFIX), RequestHook.NORMAL, FakeTraces.mixedWorkload());
        Trace trace = FakeTraces.read(original);
        List<TraceEvent> altered = new ArrayList<>();
        boolean changed = false;
        for (TraceEvent event : trace.events()) {
            if (!changed && event instanceof TraceEvent.OperationEnd end && end.operationId() == 3) {
                event = new TraceEvent.OperationEnd(3, new OperationOutcome.Failed("IO_ERROR", "recorded on a bad day"));
                changed = true;
            }
            altered.add(event);
        }
        Path bad = dir.resolve("bad" + SUFFIX);
        try (TraceWriter writer = TraceWriter.create(bad, trace.metadata())) {
            altered.forEach(writer::append);
        }

        AssertionError failure = assertThrows(AssertionError.class, () -> check(bad));

        assertTrue(failure.getMessage().startsWith("trace " + bad + " does not reproduce in strict replay"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Replay diverged (strict) in " + bad), failure.getMessage());
        assertTrue(failure.getMessage().contains("trace has failed IO_ERROR, replay succeeded"), failure.getMessage());
    }
    /** A trace the driver rejects a used length in, without reading the status byte: relaxed replay cannot answer it. */
    private Path unmodelledTrace(Path file) {
        return FakeTraces.record(file, RequestHook.NORMAL.at(2, RequestOutcome.normal().withUsedLen(4097)),
                FakeTraces.mixedWorkload());
    }

    /** {@code source} written again to {@code target} with {@code platform} entries added to its metadata. */
    private static Path withPlatform(Path source, Path target, Map<String, String> platform) {
        Trace trace = FakeTraces.read(source);
        TraceMetadata m = trace.metadata();
        Map<String, String> map = new TreeMap<>(m.platform());
        map.putAll(platform);
        TraceMetadata metadata = new TraceMetadata(m.formatVersion(), m.projectVersion(), m.created(), new TreeMap<>(map),
                m.diskImages(), m.workload(), m.seed(), m.board());
        try (TraceWriter writer = TraceWriter.create(target, metadata)) {
            trace.events().forEach(writer::append);
        }
        return target;
    }

    @Test
    void aRegressionTraceRelaxedReplayCannotModelFailsUnlessItSaysWhatAndWhere() throws IOException {
        Path regressions = Files.createDirectories(dir.resolve("traces/regressions"));
        Path undeclared = unmodelledTrace(regressions.resolve("used-length" + SUFFIX));
        assertEquals(ReplayResult.Status.REPRODUCED, Replayer.strict(undeclared).status());
        assertEquals(ReplayResult.Status.DIVERGED, Replayer.relaxed(undeclared).status());

        AssertionError failure = assertThrows(AssertionError.class, () -> check(undeclared));
        assertTrue(failure.getMessage().contains("declares nothing relaxed replay cannot model"), failure.getMessage());
        assertTrue(failure.getMessage().contains("Replay diverged (relaxed)"), failure.getMessage());

        Path declared = withPlatform(undeclared, regressions.resolve("declared" + SUFFIX),
                Map.of(UNMODELLED, "request #2: used length 4097", MODELLED_OPERATIONS, "3"));
        ReplayResult verdict = check(declared);
        assertEquals(ReplayResult.Status.BAD_TRACE, verdict.status());
        assertEquals(3, verdict.operationsCompared());
        assertTrue(verdict.message().contains("after its first 3 operation(s): request #2: used length 4097"), verdict.message());

        Path overclaimed = withPlatform(undeclared, regressions.resolve("overclaimed" + SUFFIX),
                Map.of(UNMODELLED, "request #2: used length 4097", MODELLED_OPERATIONS, "4"));
        AssertionError claim = assertThrows(AssertionError.class, () -> check(overclaimed));
        assertTrue(claim.getMessage().contains("declares its first 4 operation(s) replayable in relaxed replay"),
                claim.getMessage());
    }

    @Test
    void aRegressionTraceIsBadInRelaxedReplayOnlyForWhatTheFakeMachineCannotTake() throws IOException {
        Path regressions = Files.createDirectories(dir.resolve("traces/regressions"));
        Path trace = FakeTraces.record(regressions.resolve("mixed" + SUFFIX), RequestHook.NORMAL, FakeTraces.mixedWorkload());
        ReplayResult unreadable = new ReplayResult(trace.toString(), ReplayResult.Mode.RELAXED, ReplayResult.Status.BAD_TRACE,
                false, 0, 0, 0, Optional.empty(), "the trace cannot be read: checkpoint mismatch", List.of());

        AssertionError failure = assertThrows(AssertionError.class, () -> judgeRelaxedRegression(trace, unreadable));

        assertTrue(failure.getMessage().contains("not because the fake machine cannot take its board or devices (it can)"),
                failure.getMessage());
        assertEquals(ReplayResult.Status.REPRODUCED, judgeRelaxedRegression(trace, Replayer.relaxed(trace)).status());
    }

    @Test
    void aTraceDirectlyInTracesMustReproduceRelaxedWhateverItDeclares() {
        Path declared = withPlatform(unmodelledTrace(dir.resolve("plain" + SUFFIX)), dir.resolve("declared" + SUFFIX),
                Map.of(UNMODELLED, "request #2: used length 4097", MODELLED_OPERATIONS, "3"));

        AssertionError failure = assertThrows(AssertionError.class, () -> check(declared));

        assertTrue(failure.getMessage().startsWith("trace " + declared + " does not reproduce in relaxed replay"),
                failure.getMessage());
    }

    @Test
    void firstOperationsCutsAfterCompleteTopLevelOperations() {
        Trace trace = FakeTraces.read(FakeTraces.record(dir.resolve("mixed" + SUFFIX), RequestHook.NORMAL,
                FakeTraces.mixedWorkload()));

        Trace first = firstOperations(trace, 2);

        assertTrue(!first.complete());
        TraceEvent last = first.events().get(first.events().size() - 1);
        assertTrue(last instanceof TraceEvent.OperationEnd end && end.operationId() == 2, last.toString());
        assertEquals(trace.events(), firstOperations(trace, 99).events());
    }
}
