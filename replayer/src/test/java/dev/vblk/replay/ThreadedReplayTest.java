package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceFormat;
import dev.vblk.virtio.blk.DriverOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs of several threads on several request queues, recorded on the fake device (format 3: the
 * trace says which thread made each call) and replayed strictly: the same threads, each call
 * answered in the recorded order.
 */
class ThreadedReplayTest {

    private static final int THREADS = 8;
    private static final int QUEUES = 4;
    private static final int CALLS_PER_THREAD = 250;
    private static final DriverOptions FOUR_QUEUES = FakeTraces.OPTIONS.withMaxQueues(QUEUES);

    @TempDir
    static Path dir;

    private static Path trace;

    /** Eight threads, two on each of the four queues, each writing and reading back its own sectors. */
    @BeforeAll
    static void recordEightThreadsOnFourQueues() {
        trace = FakeTraces.record(dir.resolve("threads.trace.avro"),
                FakeBlkConfig.builder().numQueues(QUEUES).idString("replay-test").build(), faults -> { },
                FOUR_QUEUES, session -> {
                    List<Thread> threads = new ArrayList<>();
                    List<Throwable> failures = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        int thread = t;
                        String queue = DriverSession.queueName(FakeTraces.DEVICE, thread % QUEUES);
                        threads.add(new Thread(() -> {
                            for (int i = 0; i < CALLS_PER_THREAD; i++) {
                                long sector = thread * 64 + (i % 8) * 8;
                                session.perform(i % 2 == 0
                                        ? BlockOperation.write(queue, sector, FakeTraces.pattern(8 * 512, thread * 1000 + i))
                                        : BlockOperation.read(queue, sector, 8));
                            }
                        }, "submitter-" + thread));
                    }
                    threads.forEach(thread -> thread.setUncaughtExceptionHandler((t, e) -> {
                        synchronized (failures) {
                            failures.add(e);
                        }
                    }));
                    threads.forEach(Thread::start);
                    for (Thread thread : threads) {
                        try {
                            thread.join();
                        } catch (InterruptedException e) {
                            throw new AssertionError(e);
                        }
                    }
                    assertEquals(List.of(), failures, "the recorded threads ran without error");
                });
    }

    @Test
    void theTraceSaysWhichThreadMadeEachCallAndWhichQueueEachOperationUsed() {
        Trace read = FakeTraces.read(trace);
        Set<Integer> threads = new HashSet<>();
        Set<String> queues = new HashSet<>();
        for (TraceEvent event : read.events()) {
            if (event instanceof TraceEvent.ThreadSwitch threadSwitch) {
                threads.add(threadSwitch.thread());
            } else if (event instanceof TraceEvent.OperationBegin begin && !begin.device().isEmpty()) {
                queues.add(begin.device());
            }
        }
        assertEquals(TraceFormat.FORMAT_VERSION, read.metadata().formatVersion());
        assertTrue(threads.size() >= THREADS, "the submitters and the discovering thread: " + threads);
        assertEquals(Set.of(FakeTraces.DEVICE, FakeTraces.DEVICE + "/queue-1", FakeTraces.DEVICE + "/queue-2",
                FakeTraces.DEVICE + "/queue-3"), queues);
    }

    @Test
    void strictReplayReproducesTheRunTenTimesIdentically() {
        ReplayResult first = Replayer.strict(trace);
        assertEquals(ReplayResult.Status.REPRODUCED, first.status(), first.render());
        assertEquals(THREADS * CALLS_PER_THREAD + 1, first.operationsCompared(), "every call and the discovery");
        assertTrue(first.notes().contains("replayed " + (THREADS + 1) + " threads, each of its calls in the recorded order"),
                first.notes().toString());
        for (int run = 1; run < 10; run++) {
            assertEquals(first, Replayer.strict(trace), "replay " + (run + 1) + " is the first one again");
        }
    }

    @Test
    void aThreadThatWritesOtherDataDivergesAndIsNamed() {
        ReplayOptions changed = ReplayOptions.DEFAULTS.withDriverView(ThreadedReplayTest::oneOtherByteFromSubmitterFive);

        ReplayResult result = Replayer.strict(trace, changed);

        assertEquals(ReplayResult.Status.DIVERGED, result.status(), result.render());
        assertTrue(result.message().contains("(submitter-5)"), result.message());
        assertTrue(result.divergence().orElseThrow().headline().contains("memory"), result.render());
        assertEquals(result, Replayer.strict(trace, changed), "the divergence is found the same way every time");
    }

    /**
     * A driver that takes a lock of its own otherwise than the recorded one did: one replay thread
     * holds it while it waits for its turn, another blocks on it outside the platform. The replay
     * stops with a divergence naming the blocked thread instead of hanging.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aThreadBlockedOutsideThePlatformStopsTheReplayInsteadOfHangingIt() {
        ReplayResult result = Replayer.strict(trace, ReplayOptions.DEFAULTS.withDriverView(ThreadedReplayTest::contendedLock));

        assertEquals(ReplayResult.Status.DIVERGED, result.status(), result.render());
        assertTrue(result.message().contains("blocked outside the platform")
                && (result.message().contains("(submitter-1) WAITING") || result.message().contains("(submitter-3) WAITING")),
                "whichever of the two came second waits for the lock: " + result.message());
    }

    /**
     * A driver whose thread replaying submitter-3 takes a lock at its 40th platform call and keeps it
     * until the replay stops, and whose thread replaying submitter-1 takes the same lock at its 40th.
     */
    private static Platform contendedLock(Platform platform) {
        ReentrantLock lock = new ReentrantLock();
        Map<String, Integer> calls = new ConcurrentHashMap<>();
        return new ForwardingPlatform(platform) {
            private void before() {
                String name = Thread.currentThread().getName();
                int call = calls.merge(name, 1, Integer::sum);
                if (call == 40 && (name.contains("(submitter-3)") || name.contains("(submitter-1)"))) {
                    lock.lock();
                }
            }

            private <T> T call(java.util.function.Supplier<T> body) {
                before();
                try {
                    return body.get();
                } catch (RuntimeException e) {
                    if (lock.isHeldByCurrentThread()) {
                        lock.unlock();
                    }
                    throw e;
                }
            }

            @Override
            public long readRegister(long address, dev.vblk.platform.AccessWidth width) {
                return call(() -> super.readRegister(address, width));
            }

            @Override
            public void writeMemory(long address, byte[] source, int offset, int length) {
                call(() -> {
                    super.writeMemory(address, source, offset, length);
                    return null;
                });
            }
        };
    }

    /**
     * Relaxed, the threads run as they will on one trace-driven machine, each getting its recorded
     * answers; also when the driver lays its requests out otherwise (no indirect descriptors), which
     * strict replay cannot follow.
     */
    @Test
    void relaxedReplayReproducesEveryThreadsOutcomesWithAnotherRequestLayout() {
        ReplayResult relaxed = Replayer.relaxed(trace);
        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
        assertEquals(THREADS * CALLS_PER_THREAD + 1, relaxed.operationsCompared());
        String answered = "answered " + THREADS * CALLS_PER_THREAD + " of " + THREADS * CALLS_PER_THREAD
                + " recorded request(s) from the trace";
        assertTrue(relaxed.notes().stream().anyMatch(note -> note.startsWith(answered)), relaxed.notes().toString());

        ReplayOptions directDescriptors = ReplayOptions.DEFAULTS.withDriverOptions(FOUR_QUEUES.withIndirectDescriptors(false));
        assertEquals(ReplayResult.Status.DIVERGED, Replayer.strict(trace, directDescriptors).status());
        ReplayResult changed = Replayer.relaxed(trace, directDescriptors);
        assertEquals(ReplayResult.Status.REPRODUCED, changed.status(), changed.render());
    }

    @Test
    void branchingReplayRefusesATraceOfSeveralThreads() {
        ReplayResult result = Replayer.branch(trace, 500);

        assertEquals(ReplayResult.Status.BAD_TRACE, result.status());
        assertTrue(result.message().contains("several threads"), result.message());
    }

    /** A driver whose tenth memory write made by the thread replaying submitter-5 carries one other byte. */
    private static Platform oneOtherByteFromSubmitterFive(Platform platform) {
        return new ForwardingPlatform(platform) {
            private int writes;

            @Override
            public void writeMemory(long address, byte[] source, int offset, int length) {
                if (Thread.currentThread().getName().contains("(submitter-5)") && length > 16 && ++writes == 10) {
                    byte[] changed = source.clone();
                    changed[offset] ^= 1;
                    super.writeMemory(address, changed, offset, length);
                    return;
                }
                super.writeMemory(address, source, offset, length);
            }
        };
    }
}
