package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.harness.FakeTarget;
import dev.vblk.session.BoardParameters;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.workload.WorkloadPreset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk record} on the fake device, and its refusals of bad input. */
class RecordCommandTest {

    @TempDir
    Path directory;

    @Test
    void recordsAPresetOnTheFakeDevice() {
        Path trace = directory.resolve("ks.trace.avro");
        Cli.Result result = Cli.run("record", "--fake", "--preset", "known-sectors", "-o", trace.toString(), "--codec",
                "zstandard");
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        Trace recorded = TraceReader.readComplete(trace);
        assertEquals("fake", recorded.metadata().platform().get("kind"));
        assertEquals(WorkloadPreset.KNOWN_SECTORS.text(), recorded.metadata().workload());
        assertTrue(result.out().contains("8 operations (0 failed), 7 KiB moved, " + recorded.events().size() + " events"),
                result.out());
        assertTrue(result.out().contains("[virtio-blk@0x0a003e00]"), result.out());
    }

    @Test
    void recordsAWorkloadFileAndReportsItsFailingSteps() throws Exception {
        Path workload = Files.writeString(directory.resolve("edge.workload"), "read 0 1\nread 4095 2  # past the end\n");
        Path trace = directory.resolve("edge.trace.avro");
        Cli.Result result = Cli.run("record", "--fake", "--sectors", "4096", "--workload", workload.toString(), "-o",
                trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), "a failing step is an outcome, not an error: " + result);
        assertTrue(result.out().contains("step 2 'read 4095 2' failed: "), result.out());
        long ends = TraceReader.readComplete(trace).events().stream().filter(TraceEvent.OperationEnd.class::isInstance).count();
        assertEquals(3, ends);
    }

    /** {@code --queues 4}: the fake device has four request queues and the driver uses them, each named in the trace. */
    @Test
    void recordsCallsOnSeveralRequestQueues() {
        Path trace = directory.resolve("mq.trace.avro");
        Cli.Result result = Cli.run("record", "--fake", "--preset", "multi-queue", "--queues", "4", "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("(0 failed)"), result.out());
        Set<String> devices = TraceReader.readComplete(trace).events().stream()
                .filter(TraceEvent.OperationBegin.class::isInstance).map(e -> ((TraceEvent.OperationBegin) e).device())
                .filter(device -> !device.isEmpty()).collect(Collectors.toSet());
        assertEquals(Set.of("virtio-blk@0x0a003e00", "virtio-blk@0x0a003e00/queue-1", "virtio-blk@0x0a003e00/queue-2",
                "virtio-blk@0x0a003e00/queue-3"), devices);

        Cli.Result oneQueue = Cli.run("record", "--fake", "--preset", "multi-queue", "-o",
                directory.resolve("one.trace.avro").toString());
        assertEquals(ExitCodes.FOUND_PROBLEMS, oneQueue.exitCode(), "a missing queue fails its steps and the run, as a missing device does");
        assertTrue(oneQueue.err().startsWith("vblk record: 12 step(s) named a device or queue the scan did not find, the first "
                + "step 1 'queue 1': no request queue #1"), oneQueue.err());
        assertTrue(oneQueue.out().contains("step 1 'queue 1' failed: no request queue #1 on virtio-blk@0x0a003e00: "
                + "the driver set up 1"), oneQueue.out());

        Cli.Result none = Cli.run("record", "--fake", "--preset", "multi-queue", "--queues", "0", "-o",
                directory.resolve("none.trace.avro").toString());
        assertEquals(ExitCodes.BAD_INPUT, none.exitCode());
        assertEquals("vblk record: --queues must be 1 to 64, not 0", none.err().strip());
    }

    /**
     * {@code --thread-per-queue}: each queue's steps run on a thread of their own, at once; the trace
     * holds the four threads' calls (and the discovery's thread) and replays strictly, every time alike.
     */
    @Test
    void recordsEachQueuesStepsOnAThreadOfItsOwnAndReplaysThemStrictly() throws Exception {
        StringBuilder text = new StringBuilder();
        for (int queue = 0; queue < 4; queue++) {
            text.append("queue ").append(queue).append('\n');
            for (int i = 0; i < 40; i++) {
                long sector = queue * 256 + i * 4;
                text.append("write ").append(sector).append(" 4 pattern=complement\nread ").append(sector).append(" 4\n");
            }
            text.append("submit read ").append(queue * 8).append(" 8\nsubmit get-id\nwait\n");
        }
        Path workload = Files.writeString(directory.resolve("queues.workload"), text);
        Path trace = directory.resolve("threads.trace.avro");
        Cli.Result result = Cli.run("record", "--fake", "--queues", "4", "--thread-per-queue", "--workload",
                workload.toString(), "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains((1 + 4 * 83) + " operations (0 failed)"), result.out());

        Map<Integer, String> threads = new TreeMap<>();
        Map<String, Long> operationsByQueue = new TreeMap<>();
        for (TraceEvent event : TraceReader.readComplete(trace).events()) {
            if (event instanceof TraceEvent.ThreadSwitch change) {
                threads.putIfAbsent(change.thread(), change.name());
            } else if (event instanceof TraceEvent.OperationBegin begin && !begin.device().isEmpty()) {
                operationsByQueue.merge(begin.device(), 1L, Long::sum);
            }
        }
        assertEquals(Set.of(1, 2, 3, 4), threads.keySet(), "the discovery's thread is thread 0: " + threads);
        assertEquals(Set.of("vblk-virtio-blk@0x0a003e00", "vblk-virtio-blk@0x0a003e00/queue-1",
                "vblk-virtio-blk@0x0a003e00/queue-2", "vblk-virtio-blk@0x0a003e00/queue-3"), Set.copyOf(threads.values()));
        assertEquals(Set.of(83L), Set.copyOf(operationsByQueue.values()), operationsByQueue.toString());

        Cli.Result first = Cli.run("replay", trace.toString());
        assertEquals(ExitCodes.OK, first.exitCode(), first.toString());
        assertTrue(first.out().contains("REPRODUCED") && first.out().contains("(333 of 333 operations"), first.out());
        assertEquals(first.out(), Cli.run("replay", trace.toString()).out(), "a second strict replay is the first");
        Cli.Result relaxed = Cli.run("replay", "--relaxed", trace.toString());
        assertTrue(relaxed.out().contains("REPRODUCED"), relaxed.out());

        Path withReset = Files.writeString(directory.resolve("reset.workload"), "queue 1\nread 0 1\nqueue 0\nreset\n");
        Cli.Result refused = Cli.run("record", "--fake", "--queues", "4", "--thread-per-queue", "--workload",
                withReset.toString(), "-o", directory.resolve("reset.trace.avro").toString());
        assertEquals(ExitCodes.BAD_INPUT, refused.exitCode(), refused.toString());
        assertEquals("vblk record: a thread per queue cannot run a workload with a 'reset' step: it resets every queue "
                + "of its device under the other threads' calls", refused.err().strip());
    }

    /**
     * The fake machine's guest RAM holds what the device needs: sixteen queues' rings and buffer pools
     * take more than the 64 MiB it had, and the driver could not set the device up.
     */
    @Test
    void theFakeMachineHasRamForEveryQueueTheDriverSetsUp() throws Exception {
        Path workload = Files.writeString(directory.resolve("q15.workload"), "queue 15\nwrite 8 2 pattern=complement\n"
                + "read 8 2\nqueue 0\nread 0 1\n");
        Path trace = directory.resolve("q15.trace.avro");
        Cli.Result result = Cli.run("record", "--fake", "--queues", "16", "--workload", workload.toString(), "-o",
                trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("4 operations (0 failed)"), result.out());
        long needed = DriverOptions.DEFAULTS.withMaxQueues(16).guestMemoryPerDevice();
        long ram = Long.parseLong(TraceReader.readComplete(trace).metadata().platform().get("fake.ramBytes"));
        assertTrue(ram >= needed && ram < needed + (1 << 20) && ram > FakeTarget.DEFAULT_RAM_BYTES, ram + " for " + needed);
        for (String[] replayArguments : new String[][] {{"replay", trace.toString()},
                {"replay", "--relaxed", trace.toString()}}) {
            Cli.Result replay = Cli.run(replayArguments);
            assertEquals(ExitCodes.OK, replay.exitCode(), replay.toString());
            assertTrue(replay.out().contains("REPRODUCED"), replay.out());
        }

        Cli.Result oneQueue = Cli.run("record", "--fake", "--preset", "known-sectors", "-o",
                directory.resolve("ks.trace.avro").toString());
        assertEquals(Long.toString(FakeTarget.DEFAULT_RAM_BYTES),
                TraceReader.readComplete(directory.resolve("ks.trace.avro")).metadata().platform().get("fake.ramBytes"),
                oneQueue.toString());
    }

    @Test
    void topologyAndRingResetAreAllowedFromTheCommandLineAndStoredInTheTrace() {
        Path trace = directory.resolve("features.trace.avro");
        Cli.Result result = Cli.run("record", "--fake", "--topology", "--ring-reset", "--preset", "known-sectors", "-o",
                trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        DriverOptions options = BoardParameters.fromMap(TraceReader.readComplete(trace).metadata().board()).options();
        assertTrue(options.topology() && options.ringReset(), options.toString());
        Cli.Result replay = Cli.run("replay", trace.toString());
        assertEquals(ExitCodes.OK, replay.exitCode(), replay.toString());
        assertTrue(replay.out().contains("REPRODUCED"), replay.out());

        Path plain = directory.resolve("plain.trace.avro");
        assertEquals(ExitCodes.OK, Cli.run("record", "--fake", "--preset", "known-sectors", "-o", plain.toString()).exitCode());
        DriverOptions defaults = BoardParameters.fromMap(TraceReader.readComplete(plain).metadata().board()).options();
        assertFalse(defaults.topology() || defaults.ringReset(), defaults.toString());
    }

    @Test
    void secureEraseAndLifetimeAreAllowedFromTheCommandLineOfferedByTheFakeAndStoredInTheTrace() throws Exception {
        Path trace = directory.resolve("erase.trace.avro");
        Path workload = directory.resolve("erase.workload");
        Files.writeString(workload, "get-lifetime\nwrite 8 2 byte=0x5a\nsecure-erase 8 2\nread 8 2\n");
        Cli.Result result = Cli.run("record", "--fake", "--secure-erase", "--lifetime", "--workload", workload.toString(),
                "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("5 operations (0 failed)"), result.out());
        DriverOptions options = BoardParameters.fromMap(TraceReader.readComplete(trace).metadata().board()).options();
        assertTrue(options.secureErase() && options.lifetime(), options.toString());
        for (String[] replayArguments : new String[][] {{"replay", trace.toString()}, {"replay", "--relaxed", trace.toString()}}) {
            Cli.Result replay = Cli.run(replayArguments);
            assertTrue(replay.out().contains("REPRODUCED"), replay.toString());
        }

        Cli.Result refused = Cli.run("record", "--fake", "--workload", workload.toString(), "-o",
                directory.resolve("refused.trace.avro").toString());
        assertTrue(refused.out().contains("failed: UNSUPPORTED"), refused.out());
    }

    @Test
    void zonedIsAllowedFromTheCommandLineAFakeDeviceIsZonedOfEitherModelAndTheTraceReplaysStrictly() throws Exception {
        Path workload = directory.resolve("zoned.workload");
        Files.writeString(workload, "zone-report 0 8\nwrite 256 2 byte=0x5a\nzone-append 256 2 byte=0xa5\n"
                + "read 256 4\nzone-finish 512\nzone-reset-all\n");
        for (String model : new String[] {"--zoned", "--zoned=host-aware"}) {
            Path trace = directory.resolve("zoned" + model.length() + ".trace.avro");
            Cli.Result result = Cli.run("record", "--fake", model, "--workload", workload.toString(), "-o", trace.toString());
            assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
            boolean hostAware = model.endsWith("host-aware");
            assertTrue(result.out().contains(hostAware ? "7 operations (1 failed)" : "7 operations (0 failed)"), result.out());
            assertEquals(hostAware, result.out().contains("'zone-append 256 2 byte=0xa5' failed: ZONE_INVALID_COMMAND"),
                    "a host-aware device's zones are sequential-write-preferred, which take no append: " + result.out());
            assertTrue(BoardParameters.fromMap(TraceReader.readComplete(trace).metadata().board()).options().zoned());
            Cli.Result replay = Cli.run("replay", trace.toString());
            assertTrue(replay.out().contains("REPRODUCED"), replay.toString());
        }
        Cli.Result refused = Cli.run("record", "--fake", "--workload", workload.toString(), "-o",
                directory.resolve("refused.trace.avro").toString());
        assertTrue(refused.out().contains("failed: UNSUPPORTED"), refused.out());
        Cli.Result unknown = Cli.run("record", "--fake", "--zoned=zoned", "--workload", workload.toString(), "-o",
                directory.resolve("unknown.trace.avro").toString());
        assertEquals(ExitCodes.BAD_INPUT, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("--zoned takes host-managed or host-aware, not 'zoned'"), unknown.err());
    }

    @Test
    void aQueueResetStepIsRecordedWithRingResetAndReplaysStrictlyAndRelaxed() throws Exception {
        Path workload = directory.resolve("queue-reset.workload");
        Files.writeString(workload, "queue 1\nwrite 8 2 byte=0x5a\nread 8 2\nqueue-reset\nread 8 2\nwrite 16 1 byte=0xa5\n"
                + "read 16 1\nqueue 0\nqueue-reset\nread 8 2\n");
        Path trace = directory.resolve("queue-reset.trace.avro");
        Cli.Result result = Cli.run("record", "--fake", "--ring-reset", "--queues", "2", "--workload", workload.toString(),
                "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("9 operations (0 failed)"), result.out());
        assertEquals(2, TraceReader.readComplete(trace).events().stream()
                .filter(event -> event instanceof TraceEvent.OperationBegin begin && begin.kind() == OperationKind.QUEUE_RESET)
                .count());
        for (Cli.Result replay : new Cli.Result[] {Cli.run("replay", trace.toString()),
                Cli.run("replay", "--relaxed", trace.toString())}) {
            assertTrue(replay.out().contains("REPRODUCED (9 of 9 operations"), replay.toString());
        }
        Cli.Result refused = Cli.run("record", "--fake", "--queues", "2", "--workload", workload.toString(), "-o",
                directory.resolve("refused.trace.avro").toString());
        assertTrue(refused.out().contains("'queue-reset' failed: UNSUPPORTED"), refused.out());
    }

    @Test
    void inOrderAndNotificationDataAreAllowedFromTheCommandLineOfferedByTheFakeAndStoredInTheTrace() {
        Path trace = directory.resolve("in-order.trace.avro");
        Cli.Result result = Cli.run("record", "--fake", "--in-order", "--notification-data", "--preset", "depth-32", "-o",
                trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        Trace recorded = TraceReader.readComplete(trace);
        DriverOptions options = BoardParameters.fromMap(recorded.metadata().board()).options();
        assertTrue(options.inOrder() && options.notificationData(), options.toString());
        long offered = Long.decode(recorded.metadata().platform().get("device.0.features"));
        assertTrue(FeatureBits.has(offered, FeatureBits.IN_ORDER) && FeatureBits.has(offered, FeatureBits.NOTIFICATION_DATA),
                Long.toHexString(offered));
        for (String[] replay : new String[][] {{"replay", trace.toString()}, {"replay", "--relaxed", trace.toString()}}) {
            Cli.Result replayed = Cli.run(replay);
            assertEquals(ExitCodes.OK, replayed.exitCode(), String.join(" ", replay) + ": " + replayed);
            assertTrue(replayed.out().contains("REPRODUCED"), replayed.out());
        }

        Path plain = directory.resolve("plain.trace.avro");
        assertEquals(ExitCodes.OK, Cli.run("record", "--fake", "--preset", "known-sectors", "-o", plain.toString()).exitCode());
        Trace defaults = TraceReader.readComplete(plain);
        DriverOptions defaultOptions = BoardParameters.fromMap(defaults.metadata().board()).options();
        assertFalse(defaultOptions.inOrder() || defaultOptions.notificationData(), defaultOptions.toString());
        long plainOffer = Long.decode(defaults.metadata().platform().get("device.0.features"));
        assertFalse(FeatureBits.has(plainOffer, FeatureBits.IN_ORDER) || FeatureBits.has(plainOffer, FeatureBits.NOTIFICATION_DATA),
                Long.toHexString(plainOffer));
    }

    @Test
    void accessPlatformIsAllowedFromTheCommandLineTheFakeDeviceRequiresItAndTheTraceStoresTheChoice() {
        Path trace = directory.resolve("access-platform.trace.avro");
        Cli.Result result = Cli.run("record", "--fake", "--access-platform", "--preset", "known-sectors", "-o",
                trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("(0 failed)"), "the device reached what the driver mapped: " + result.out());
        Trace recorded = TraceReader.readComplete(trace);
        assertTrue(BoardParameters.fromMap(recorded.metadata().board()).options().accessPlatform());
        long features = Long.decode(recorded.metadata().platform().get("device.0.features"));
        assertTrue(FeatureBits.has(features, FeatureBits.ACCESS_PLATFORM), Long.toHexString(features));
        Cli.Result replay = Cli.run("replay", trace.toString());
        assertEquals(ExitCodes.OK, replay.exitCode(), replay.toString());
        assertTrue(replay.out().contains("REPRODUCED"), replay.out());
    }

    @Test
    void jfrRecordingFeedsTheLatencyReport() {
        Path jfr = directory.resolve("run.jfr");
        Cli.Result record = Cli.run("record", "--fake", "--preset", "known-sectors", "-o",
                directory.resolve("t.trace.avro").toString(), "--jfr", jfr.toString());
        assertEquals(ExitCodes.OK, record.exitCode(), record.toString());
        assertTrue(Files.exists(jfr));
        Cli.Result report = Cli.run("report", jfr.toString());
        assertEquals(ExitCodes.OK, report.exitCode(), report.toString());
        assertTrue(report.out().lines().anyMatch(line -> line.matches("read\\s+7\\s.*\\s0")), report.out());
        assertTrue(report.out().lines().noneMatch(line -> line.startsWith("get-id")), "no get-id in the workload");
    }

    @Test
    void anUnknownPresetNamesThePresets() {
        Cli.Result result = Cli.run("record", "--fake", "--preset", "everything");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertEquals("vblk record: unknown preset 'everything'; the presets are " + WorkloadPreset.names() + "\n",
                result.err());
    }

    @Test
    void aWorkloadSyntaxErrorNamesLineAndColumn() throws Exception {
        Path workload = Files.writeString(directory.resolve("bad.workload"), "read 0 1\nread x 1\n");
        Cli.Result result = Cli.run("record", "--fake", "--workload", workload.toString());
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().startsWith("vblk record: bad.workload:2:6: "), result.err());
        assertEquals(1, result.err().lines().count());
    }

    @Test
    void aMissingImageIsBadInput() {
        Cli.Result result = Cli.run("record", directory.resolve("disk.img").toString(), "--preset", "discovery");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("disk image " + directory.resolve("disk.img") + " does not exist"), result.err());
    }

    @Test
    void aMissingQemuSaysHowToInstallIt() throws Exception {
        Path image = Files.write(directory.resolve("disk.img"), new byte[512 * 16]);
        Cli.Result result = Cli.run("record", image.toString(), "--preset", "discovery", "--qemu",
                directory.resolve("no-qemu").toString());
        assertEquals(ExitCodes.PLATFORM_UNAVAILABLE, result.exitCode(), result.toString());
        assertTrue(result.err().contains("apt-get install -y qemu-system-arm qemu-utils"), result.err());
        assertEquals(1, result.err().lines().count(), result.err());
    }

    @Test
    void aBadErrorRuleIsAUsageError() {
        Cli.Result result = Cli.run("record", "x.img", "--preset", "io-error", "--error", "read:nine");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("'nine' is not a sector number"), result.err());
    }

    @Test
    void theFakeDeviceTakesNoImages() {
        Cli.Result result = Cli.run("record", "--fake", "disk.img", "--preset", "discovery");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("--fake uses an in-memory disk"), result.err());
    }

    @Test
    void aWorkloadIsRequired() {
        Cli.Result result = Cli.run("record", "--fake");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("--workload") && result.err().contains("--preset"), result.err());
    }

    /** A workload for a device the scan does not find does less than it asks: the run fails, its trace kept. */
    @Test
    void stepsOnADeviceTheScanDidNotFindFailTheRun() throws Exception {
        Path workload = Files.writeString(directory.resolve("two.workload"), "read 0 1\ndevice 1\nread 0 1\nflush\n");
        Path trace = directory.resolve("two.trace.avro");
        Cli.Result result = Cli.run("record", "--fake", "--workload", workload.toString(), "-o", trace.toString());
        assertEquals(ExitCodes.FOUND_PROBLEMS, result.exitCode(), result.toString());
        assertEquals("vblk record: 3 step(s) named a device or queue the scan did not find, the first step 2 'device 1': "
                + "no block device #1: the scan found 1 [virtio-blk@0x0a003e00]", result.err().strip());
        assertTrue(TraceReader.readComplete(trace).events().size() > 0, "the trace is written");
    }

    /** One operation is one the trace marks: record, inspect, replay and demo count the same, waits and discovery in. */
    @Test
    void recordCountsTheOperationsInspectAndReplayCount() {
        Path trace = directory.resolve("depth.trace.avro");
        Cli.Result result = Cli.run("record", "--fake", "--preset", "depth-32", "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        long marked = TraceReader.readComplete(trace).events().stream().filter(TraceEvent.OperationBegin.class::isInstance).count();
        assertEquals(167, marked);
        assertTrue(result.out().contains(marked + " operations (0 failed)"), result.out());
        Cli.Result inspect = Cli.run("inspect", "--summary", trace.toString());
        assertEquals(marked, inspect.out().lines().filter(line -> line.startsWith("  operation ")).count());
        Cli.Result replay = Cli.run("replay", trace.toString());
        assertTrue(replay.out().contains("(" + marked + " of " + marked + " operations"), replay.out());
    }
}
