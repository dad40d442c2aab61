package dev.vblk.harness;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import dev.vblk.recorder.RecordingPlatform;
import dev.vblk.recorder.TraceRecorder;
import dev.vblk.replay.ReplayResult;
import dev.vblk.replay.Replayer;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.BoardParameters;
import dev.vblk.session.DriverSession;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceWriter;
import dev.vblk.virtio.blk.DriverOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight threads on four request queues of QEMU's device ({@code num-queues=4}), recorded, then
 * replayed strictly ten times (every replay reproduces the run, with the same result each time) and
 * relaxed once.
 */
@RequiresQemu
class ThreadedRecordingQemuTest {

    private static final int SECTORS = 4096;
    private static final int THREADS = 8;
    private static final int CALLS_PER_THREAD = 300;

    @TempDir
    Path directory;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void eightThreadsOnFourQueuesRecordedAndReplayedStrictlyTenTimesAndRelaxed() throws Exception {
        Path image = DiskImages.raw(directory, "mq.img", SECTORS);
        Path trace = directory.resolve("threads.trace.avro");
        BoardParameters board = new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS.withMaxQueues(4));
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder().drive(DriveConfig.raw(image))
                .extraArgs("-global", "virtio-blk-device.num-queues=4").build())) {
            TraceMetadata metadata = TraceMetadata.of(Instant.now(), Map.of("kind", "qemu"), List.of(),
                    "8 threads on 4 queues", OptionalLong.empty(), board.toMap());
            try (TraceRecorder recorder = new TraceRecorder(TraceWriter.create(trace, metadata, TraceCodec.DEFAULT))) {
                DriverSession session = DriverSession.discover(new RecordingPlatform(machine.platform(), recorder), board,
                        recorder);
                run(session, session.deviceNames().get(0));
            }
        }

        ReplayResult first = Replayer.strict(trace);
        assertEquals(ReplayResult.Status.REPRODUCED, first.status(), first.render());
        assertEquals(THREADS * CALLS_PER_THREAD + 1, first.operationsCompared());
        for (int replay = 1; replay < 10; replay++) {
            assertEquals(first, Replayer.strict(trace), "replay " + (replay + 1) + " is the first one again");
        }
        ReplayResult relaxed = Replayer.relaxed(trace);
        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
    }

    /** Thread t writes and reads back sectors of its own on queue t mod 4, and reads the image's signed sectors. */
    private static void run(DriverSession session, String device) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                String queue = DriverSession.queueName(device, thread % 4);
                results.add(pool.submit(() -> {
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        long own = SECTORS / 2 + thread * 64L + (i % 8) * 8;
                        switch (i % 3) {
                            case 0 -> {
                                byte[] data = new byte[8 * 512];
                                Arrays.fill(data, (byte) (thread * 31 + i));
                                session.perform(BlockOperation.write(queue, own, data));
                            }
                            case 1 -> session.perform(BlockOperation.read(queue, own, 8));
                            default -> {
                                long sector = (thread * 131L + i * 7L) % (SECTORS / 2);
                                assertArrayEquals(DiskImages.signature(sector),
                                        session.perform(BlockOperation.read(queue, sector, 1)));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(200, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertTrue(session.deviceNames().size() == 1, session.deviceNames().toString());
    }
}
