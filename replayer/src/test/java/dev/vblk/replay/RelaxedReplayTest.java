package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.fake.blk.CompletionBatching;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.OperationKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RelaxedReplayTest {

    private static final long SLOT_31 = 0x0a00_3e00L;

    @TempDir
    Path dir;

    private Path trace(String name, RequestHook hook) {
        return FakeTraces.record(dir.resolve(name), hook, FakeTraces.mixedWorkload());
    }

    @Test
    void reproducesFakeRecordingsWithTheirFailures() {
        for (RequestHook hook : new RequestHook[] {
            RequestHook.NORMAL,
            RequestHook.NORMAL.at(3, RequestOutcome.status(1)),
            RequestHook.NORMAL.at(5, RequestOutcome.status(2)),
            RequestHook.NORMAL.at(1, RequestOutcome.never()),
            RequestHook.NORMAL.at(2, RequestOutcome.needsReset())}) {
            Path file = trace("t.trace.avro", hook);

            ReplayResult result = Replayer.relaxed(file);

            assertEquals(ReplayResult.Status.REPRODUCED, result.status(), result.render());
            assertEquals(result.operationsInTrace(), result.operationsCompared());
        }
    }

    @Test
    void reproducesPackedRingRecordingsStrictlyAndRelaxed() {
        for (RequestHook hook : new RequestHook[] {RequestHook.NORMAL, RequestHook.NORMAL.at(3, RequestOutcome.status(1)),
            RequestHook.NORMAL.at(1, RequestOutcome.never())}) {
            Path file = FakeTraces.record(dir.resolve("packed.trace.avro"), FakeBlkConfig.builder().requestHook(hook)
                    .idString("replay-test").offerPackedRing(true).queueNumMax(8).build(),
                    FakeTraces.OPTIONS.withPackedRing(true), FakeTraces.mixedWorkload());

            ReplayResult relaxed = Replayer.relaxed(file);
            assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
            assertEquals(relaxed.operationsInTrace(), relaxed.operationsCompared());
            ReplayResult strict = Replayer.strict(file);
            assertEquals(ReplayResult.Status.REPRODUCED, strict.status(), strict.render());
        }
    }

    /**
     * Four reads in flight at a time, completed by the recorded device last one first: relaxed replay
     * hands the answers back in that recorded order, so every wait delivers what it delivered then.
     */
    @Test
    void answersInTheRecordedCompletionOrder() {
        Path file = FakeTraces.record(dir.resolve("reversed.trace.avro"), FakeBlkConfig.builder().idString("replay-test").build(),
                faults -> faults.batchCompletions(CompletionBatching.of(4, CompletionBatching.Order.REVERSE)),
                FakeTraces.OPTIONS, session -> {
                    List<Long> order = new ArrayList<>();
                    for (int round = 0; round < 3; round++) {
                        for (int i = 0; i < 4; i++) {
                            session.submit(BlockOperation.read(FakeTraces.DEVICE, 32 * round + 8 * i, 8));
                        }
                        for (DriverSession.SessionCompletion completion : session.complete(OperationKind.WAIT_ALL,
                                FakeTraces.DEVICE, session.outstanding(FakeTraces.DEVICE), AsyncBlockDevice.NO_TIME_BUDGET)) {
                            order.add(completion.ticket());
                        }
                    }
                    assertEquals(List.of(4L, 3L, 2L, 1L, 8L, 7L, 6L, 5L, 12L, 11L, 10L, 9L), order,
                            "the recorded device completed each batch last request first");
                });

        ReplayResult relaxed = Replayer.relaxed(file);

        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
        assertTrue(relaxed.notes().contains("answered 12 of 12 recorded request(s) from the trace"), relaxed.notes().toString());
    }

    /**
     * The recording's device completed one request for a wait for any, the replay's fake device
     * completes all of them at once: the wait for all that follows in the trace waits for what is
     * still outstanding, whatever grouping the replay's device chose.
     */
    @Test
    void takesCompletionsGroupedOtherwiseThanRecorded() {
        // Each request later than the one before: the first completes alone.
        RequestHook staggered = request -> RequestOutcome.delayed(1_000_000L * (request.index() + 1), RequestOutcome.normal());
        Path file = FakeTraces.record(dir.resolve("grouped.trace.avro"),
                FakeBlkConfig.builder().requestHook(staggered).idString("replay-test").build(), faults -> { },
                FakeTraces.OPTIONS, session -> {
                    for (int i = 0; i < 4; i++) {
                        session.submit(BlockOperation.read(FakeTraces.DEVICE, 8 * i, 8));
                    }
                    List<DriverSession.SessionCompletion> first = session.complete(OperationKind.WAIT_ANY,
                            FakeTraces.DEVICE, session.outstanding(FakeTraces.DEVICE), AsyncBlockDevice.NO_TIME_BUDGET);
                    assertEquals(1, first.size(), "the recorded wait for any took one completion");
                    session.complete(OperationKind.WAIT_ALL, FakeTraces.DEVICE, session.outstanding(FakeTraces.DEVICE),
                            AsyncBlockDevice.NO_TIME_BUDGET);
                });

        ReplayResult relaxed = Replayer.relaxed(file);

        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
    }

    /** Calls on each of a device's four request queues: the requests of every queue are read from the trace. */
    @Test
    void reproducesCallsOnEveryRequestQueue() {
        Path file = FakeTraces.record(dir.resolve("queues.trace.avro"), FakeBlkConfig.builder().numQueues(4)
                .idString("replay-test").build(), faults -> { }, FakeTraces.OPTIONS.withMaxQueues(4), session -> {
                    for (int i = 0; i < 16; i++) {
                        String queue = DriverSession.queueName(FakeTraces.DEVICE, i % 4);
                        session.perform(BlockOperation.write(queue, 8L * i, FakeTraces.pattern(4096, i)));
                        session.perform(BlockOperation.read(queue, 8L * i, 8));
                    }
                });

        ReplayResult relaxed = Replayer.relaxed(file);

        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
        assertEquals(33, relaxed.operationsCompared());
        assertTrue(relaxed.notes().contains("answered 32 of 32 recorded request(s) from the trace"), relaxed.notes().toString());
        assertEquals(ReplayResult.Status.REPRODUCED, Replayer.strict(file).status());
    }

    @Test
    void survivesAnotherPollIntervalAndTimeWhereStrictReplayDoesNot() {
        // Completions arrive 300 us after the notification, so the driver polls several times.
        FakeBlkConfig config = FakeBlkConfig.builder()
                .requestHook(request -> RequestOutcome.delayed(300_000, RequestOutcome.normal())).build();
        Path file = FakeTraces.record(dir.resolve("slow.trace.avro"), config, FakeTraces.OPTIONS, FakeTraces.mixedWorkload());
        DriverOptions otherPolling = DriverOptions.DEFAULTS.withBudgets(50_000_000L, 5_000, 30_000L, 256, 128 * 1024);
        ReplayOptions changed = ReplayOptions.DEFAULTS.withDriverOptions(otherPolling);

        ReplayResult strict = Replayer.strict(file, changed);
        ReplayResult relaxed = Replayer.relaxed(file, changed);

        assertEquals(ReplayResult.Status.DIVERGED, strict.status(), "the calls do change with the options");
        assertTrue(strict.divergence().orElseThrow().headline().contains("interrupt line 47"), strict.render());
        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
    }

    /** A driver that programs the descriptor table address high word first. */
    static Platform swappingDescriptorAddressWrites(Platform platform) {
        return new ForwardingPlatform(platform) {
            private long heldLow = -1;

            @Override
            public void writeRegister(long address, AccessWidth width, long value) {
                if (address == SLOT_31 + MmioRegister.QUEUE_DESC_LOW.offset()) {
                    heldLow = value;
                    return;
                }
                super.writeRegister(address, width, value);
                if (address == SLOT_31 + MmioRegister.QUEUE_DESC_HIGH.offset() && heldLow >= 0) {
                    super.writeRegister(SLOT_31 + MmioRegister.QUEUE_DESC_LOW.offset(), width, heldLow);
                    heldLow = -1;
                }
            }
        };
    }

    /** A driver that reads the capacity's high word before its low word. */
    static Platform readingCapacityHighFirst(Platform platform) {
        return new ForwardingPlatform(platform) {
            private final Map<Long, Long> early = new HashMap<>();

            @Override
            public long readRegister(long address, AccessWidth width) {
                long low = SLOT_31 + MmioRegister.CONFIG_SPACE_OFFSET;
                Long value = early.remove(address);
                if (value != null) {
                    return value;
                }
                if (address == low) {
                    early.put(low + 4, super.readRegister(low + 4, width));
                }
                return super.readRegister(address, width);
            }
        };
    }

    @Test
    void survivesAnotherSetupOrder() {
        Path file = trace("order.trace.avro", RequestHook.NORMAL);
        for (ReplayOptions reordered : new ReplayOptions[] {
            ReplayOptions.DEFAULTS.withDriverView(RelaxedReplayTest::swappingDescriptorAddressWrites),
            ReplayOptions.DEFAULTS.withDriverView(RelaxedReplayTest::readingCapacityHighFirst)}) {

            ReplayResult strict = Replayer.strict(file, reordered);
            ReplayResult relaxed = Replayer.relaxed(file, reordered);

            assertEquals(ReplayResult.Status.DIVERGED, strict.status());
            assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
        }
    }

    @Test
    void divergesWhereTheDriverAsksForARequestTheTraceCannotAnswer() {
        Path file = trace("split.trace.avro", RequestHook.NORMAL);
        ReplayOptions smallerRequests = ReplayOptions.DEFAULTS.withDriverOptions(FakeTraces.OPTIONS.withMaxRequestBytes(64 * 1024));

        ReplayResult result = Replayer.relaxed(file, smallerRequests);

        assertEquals(ReplayResult.Status.DIVERGED, result.status());
        DivergenceReport report = result.divergence().orElseThrow();
        assertEquals("relaxed", report.mode());
        assertEquals("slot 31: the driver asked for read sector 96, 128 sector(s), which the trace has no answer for",
                report.headline());
        assertTrue(report.expected().contains("1 x read sector 96, 256 sector(s)"), report.expected());
        assertTrue(report.operation().startsWith("operation 5: read " + FakeTraces.DEVICE + " sector 96, 300 sector(s)"),
                report.operation());
        assertTrue(report.context().stream().anyMatch(line -> line.contains("write memory")),
                String.join("\n", report.context()));
        assertEquals(4, result.operationsCompared());
    }

    @Test
    void divergesWhenAWriteCarriesOtherData() {
        Path file = trace("write.trace.avro", RequestHook.NORMAL);
        ReplayOptions corrupting = ReplayOptions.DEFAULTS.withDriverView(platform -> new ForwardingPlatform(platform) {
            @Override
            public void writeMemory(long address, byte[] source, int offset, int length) {
                byte[] changed = source.clone();
                if (length == 4096) {
                    changed[offset] ^= 1;
                }
                super.writeMemory(address, changed, offset, length);
            }
        });

        ReplayResult result = Replayer.relaxed(file, corrupting);

        assertEquals(ReplayResult.Status.DIVERGED, result.status());
        assertTrue(result.divergence().orElseThrow().headline().contains("other data than request 0 (slot 31): write sector 0"),
                result.render());
    }

    @Test
    void anOutcomeThatDiffersIsReportedWithBothOutcomes() {
        // The driver is shown OK in the status byte of a request the device failed; its used length
        // then gives it away.
        Path file = trace("ioerror.trace.avro", RequestHook.NORMAL.at(1, RequestOutcome.status(1)));
        ReplayOptions statusHidden = ReplayOptions.DEFAULTS.withDriverView(platform -> new ForwardingPlatform(platform) {
            @Override
            public void readMemory(long address, byte[] destination, int offset, int length) {
                super.readMemory(address, destination, offset, length);
                if (length == 1 && destination[offset] == 1) {
                    destination[offset] = 0;
                }
            }
        });

        ReplayResult result = Replayer.relaxed(file, statusHidden);

        assertEquals(ReplayResult.Status.DIVERGED, result.status());
        DivergenceReport report = result.divergence().orElseThrow();
        assertTrue(report.headline().contains("operation 3: read " + FakeTraces.DEVICE + " sector 0, 8 sector(s): "
                + "trace has failed IO_ERROR, replay failed PROTOCOL_VIOLATION"), report.headline());
        assertTrue(report.actual().contains("wrote 1 of 4097 bytes"), report.actual());
        assertTrue(report.expected().startsWith("failed IO_ERROR"), report.expected());
        assertTrue(report.eventIndex().isPresent());
    }
}
