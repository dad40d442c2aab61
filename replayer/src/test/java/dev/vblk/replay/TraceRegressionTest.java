package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regression suite: every trace under {@code traces/} at the repository root (recursively,
 * {@code regressions/} included) must replay strictly and relaxed and reproduce its recording,
 * failures included. With no trace there, there is nothing to check.
 */
class TraceRegressionTest {

    static final String SUFFIX = ".trace.avro";

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

    /** Replays {@code trace} strictly and relaxed; fails naming the trace, with the report, unless both reproduce. */
    static void check(Path trace) {
        for (ReplayResult result : List.of(Replayer.strict(trace), Replayer.relaxed(trace))) {
            if (!result.reproduced()) {
                throw new AssertionError("trace " + trace + " does not reproduce in "
                        + result.mode().name().toLowerCase(Locale.ROOT) + " replay\n" + result.render());
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyTraceInTheRepositoryReproduces() {
        Path root = repositoryRoot();
        return traces(root).stream().map(trace -> DynamicTest.dynamicTest(root.relativize(trace).toString(), () -> check(trace)));
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
}
