package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fuzz.campaign.FailureArchive;
import dev.vblk.fuzz.campaign.SavedFailure;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.fuzz.oracle.Verdict;
import dev.vblk.fuzz.scenario.AllocatorSpec;
import dev.vblk.fuzz.scenario.DeviceFaultSpec;
import dev.vblk.fuzz.scenario.DeviceSpec;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.QueueSpec;
import dev.vblk.fuzz.scenario.RegisterOverride;
import dev.vblk.fuzz.scenario.Scenario;
import dev.vblk.fuzz.scenario.ScenarioGenerator;
import dev.vblk.fuzz.scenario.ScenarioJson;
import dev.vblk.fuzz.scenario.ScriptedOutcome;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.fuzz.trace.RecordedScenario;
import dev.vblk.fuzz.trace.RelaxedModel;
import dev.vblk.fuzz.trace.ScenarioTraceRecorder;
import dev.vblk.replay.RecordedOperation;
import dev.vblk.replay.ReplayOptions;
import dev.vblk.replay.ReplayResult;
import dev.vblk.replay.Replayer;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import dev.vblk.virtio.MmioRegister;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scenario traces: complete, replayable, deterministic, declared for relaxed replay, saved with every failure. */
class ScenarioTraceTest {

    private static final Instant CREATED = Instant.parse("2024-05-01T12:00:00Z");
    private static final String DEVICE = "virtio-blk@0x0a003e00";

    @TempDir
    Path dir;

    private final ScenarioTraceRecorder recorder = new ScenarioTraceRecorder();

    /** A plain device, an I/O error on the third request, a needs-reset event and a reset. */
    private static Scenario scenario() {
        long features = ScenarioGenerator.generate(7).device().offeredFeatures() | (1L << 32);
        DeviceSpec device = new DeviceSpec(64, features, false, "trace-test", 0, 8, 512, 1, 8, 1, 8);
        List<ScenarioStep> steps = List.of(new ScenarioStep.Write(3, 2, 9), new ScenarioStep.Read(3, 2), new ScenarioStep.Flush(), new ScenarioStep.GetId(),
                new ScenarioStep.InjectNeedsReset(), new ScenarioStep.Read(0, 1), new ScenarioStep.Reset(), new ScenarioStep.Read(3, 1));
        return new Scenario(0, device, DeviceFaultSpec.NONE, AllocatorSpec.GENEROUS, QueueSpec.SERIAL,
                List.of(new ScriptedOutcome(2, new OutcomeSpec.Status(1))), steps);
    }

    @Test
    void aRecordedScenarioReadsBackCompleteAndReplaysStrictly() {
        Path file = dir.resolve("plain.trace.avro");
        RecordedScenario recorded = recorder.record(scenario(), file, CREATED);

        Trace trace = TraceReader.readComplete(file);
        assertTrue(trace.complete());
        assertEquals(DEVICE, recorded.device());
        assertEquals(1 + 7, recorded.operations(), "discovery and the seven driver calls");
        List<TraceEvent.OperationBegin> begins = trace.events().stream()
                .filter(e -> e instanceof TraceEvent.OperationBegin).map(e -> (TraceEvent.OperationBegin) e).toList();
        assertEquals(List.of(OperationKind.DISCOVERY, OperationKind.WRITE, OperationKind.READ, OperationKind.FLUSH,
                OperationKind.GET_ID, OperationKind.READ, OperationKind.RESET, OperationKind.READ),
                begins.stream().map(TraceEvent.OperationBegin::kind).toList());
        long failures = trace.events().stream()
                .filter(e -> e instanceof TraceEvent.OperationEnd end && end.outcome() instanceof OperationOutcome.Failed).count();
        assertEquals(recorded.failedOperations(), failures);
        assertTrue(failures >= 2, "the scripted I/O error and the read on the broken device fail: " + failures);

        ReplayResult strict = Replayer.strict(file);
        assertEquals(ReplayResult.Status.REPRODUCED, strict.status(), strict.render());
        assertEquals(8, strict.operationsCompared());
        assertEquals(trace.events().size(), strict.eventsReplayed());
    }

    @Test
    void theMetadataHoldsTheScenarioSeedBoardAndRelaxedDeclaration() {
        Scenario scenario = ScenarioGenerator.generate(4242);
        Path file = dir.resolve("seeded.trace.avro");
        recorder.record(scenario, file, CREATED);

        var metadata = TraceReader.readComplete(file).metadata();
        assertEquals(CREATED, metadata.created());
        assertEquals(scenario, ScenarioJson.fromJson(metadata.workload()));
        assertEquals(OptionalLong.of(4242), metadata.seed());
        assertEquals(ScenarioTraceRecorder.board(scenario).toMap(), metadata.board());
        assertEquals("fake", metadata.platform().get("kind"));
        assertEquals(Long.toString(scenario.device().capacitySectors()), metadata.platform().get("fake.capacitySectors"));
        assertEquals(scenario.faults().toString(), metadata.platform().get("fake.faults"));
        assertTrue(metadata.platform().containsKey(RelaxedModel.MODELLED_OPERATIONS));

        recorder.record(scenario.withSeed(0), file, CREATED);
        assertEquals(OptionalLong.empty(), TraceReader.readComplete(file).metadata().seed());
    }

    @Test
    void recordingTheSameScenarioTwiceGivesIdenticalEvents() {
        for (Scenario scenario : List.of(scenario(), ScenarioGenerator.generate(11), ScenarioGenerator.generate(224))) {
            Path first = recorder.record(scenario, dir.resolve("a.trace.avro"), CREATED).file();
            List<TraceEvent> once = TraceReader.readComplete(first).events();
            Path second = recorder.record(scenario, dir.resolve("b.trace.avro"), CREATED).file();
            assertEquals(once, TraceReader.readComplete(second).events(), scenario.toString());
            assertTrue(once.size() > 100, "a discovery alone scans 32 slots: " + once.size());
        }
    }

    @Test
    void aDeviceDiscoveryRefusesGivesATraceOfTheDiscoveryAlone() {
        Scenario base = scenario();
        Scenario wrongMagic = new Scenario(0, base.device(),
                new DeviceFaultSpec(List.of(new RegisterOverride(MmioRegister.MAGIC_VALUE.offset(), 0x1234)), 0, false, 0, 0),
                base.allocator(), base.queue(), base.outcomes(), base.steps());
        Path file = dir.resolve("magic.trace.avro");

        RecordedScenario recorded = recorder.record(wrongMagic, file, CREATED);

        assertFalse(recorded.deviceBound());
        assertEquals(1, recorded.operations());
        Trace trace = TraceReader.readComplete(file);
        assertEquals(1, trace.events().stream().filter(e -> e instanceof TraceEvent.OperationBegin).count());
        assertTrue(Replayer.strict(file).reproduced(), Replayer.strict(file).render());
    }

    @Test
    void generatedScenariosReplayStrictlyAndRelaxedAsFarAsTheyDeclare() {
        int declared = 0;
        for (long seed = 1; seed <= 150; seed++) {
            Path file = recorder.record(ScenarioGenerator.generate(seed), dir.resolve("g.trace.avro"), CREATED).file();
            ReplayResult strict = Replayer.strict(file);
            assertTrue(strict.reproduced(), () -> "seed " + strict.render());
            ReplayResult relaxed = Replayer.relaxed(file);
            if (relaxed.status() != ReplayResult.Status.DIVERGED) {
                continue;
            }
            Trace trace = TraceReader.readComplete(file);
            Map<String, String> platform = trace.metadata().platform();
            long s = seed;
            assertFalse(platform.get(RelaxedModel.UNMODELLED).isEmpty(), () -> "seed " + s + " diverges undeclared\n"
                    + relaxed.render());
            int modelled = Integer.parseInt(platform.get(RelaxedModel.MODELLED_OPERATIONS));
            declared++;
            if (modelled > 0) {
                ReplayResult prefix = Replayer.relaxed(firstOperations(trace, modelled), "seed " + seed, ReplayOptions.DEFAULTS);
                assertTrue(prefix.reproduced(), () -> "seed " + s + ": " + platform.get(RelaxedModel.UNMODELLED) + "\n"
                        + prefix.render());
            }
        }
        assertTrue(declared > 0, "some generated scenarios hold behaviour relaxed replay cannot model");
    }

    /** The trace up to the end of its first {@code count} top-level operations (submissions included). */
    private static Trace firstOperations(Trace trace, int count) {
        List<RecordedOperation> operations = RecordedOperation.completeTopLevel(trace.events());
        if (count >= operations.size()) {
            return trace;
        }
        return new Trace(trace.metadata(), trace.events().subList(0, operations.get(count).beginIndex()), false);
    }

    @Test
    void aSavedFailureHasItsScenarioAndItsTrace() throws IOException {
        Verdict failing = new ScenarioRunner(20).run(scenario());
        assertFalse(failing.passed(), "a 20-call budget stops the scenario");
        FailureArchive archive = new FailureArchive(dir, Clock.fixed(CREATED, ZoneOffset.UTC));

        SavedFailure saved = archive.saveFailure("budget", failing);

        assertEquals(dir.resolve("budget" + FailureArchive.SUFFIX), saved.scenarioFile());
        assertEquals(dir.resolve("budget" + FailureArchive.TRACE_SUFFIX), saved.traceFile());
        assertEquals(List.of(saved.scenarioFile(), saved.traceFile()), saved.files());
        assertEquals(scenario(), FailureArchive.read(saved.scenarioFile()).scenario());
        Trace trace = TraceReader.readComplete(saved.traceFile());
        assertEquals(CREATED, trace.metadata().created());
        assertEquals(scenario(), ScenarioJson.fromJson(trace.metadata().workload()));
        assertTrue(Replayer.strict(saved.traceFile()).reproduced());
        Files.delete(saved.traceFile());
        assertEquals(dir.resolve("budget" + FailureArchive.SUFFIX), archive.save("budget", failing));
        assertTrue(Files.isRegularFile(saved.traceFile()), "save() writes the trace too");
    }
}
