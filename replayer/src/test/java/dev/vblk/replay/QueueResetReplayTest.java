package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.DriverSession;
import dev.vblk.virtio.blk.DriverOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A recording whose driver accepted VIRTIO_F_RING_RESET and reset a stalled queue by itself replays
 * strictly: the option travels in the trace's board metadata, and without it the replay diverges at
 * the feature word.
 */
class QueueResetReplayTest {

    @TempDir
    Path dir;

    @Test
    void aRecordingWithAQueueResetReplaysStrictlyWithTheOptionFromTheTrace() {
        DriverOptions options = FakeTraces.OPTIONS.withMaxQueues(2).withRingReset(true);
        Path file = FakeTraces.record(dir.resolve("reset.trace.avro"), FakeBlkConfig.builder().numQueues(2)
                .idString("reset-test").build(), faults -> faults.stalledQueue(1), options, session -> {
                    String healthy = DriverSession.queueName(FakeTraces.DEVICE, 0);
                    String stalled = DriverSession.queueName(FakeTraces.DEVICE, 1);
                    session.perform(BlockOperation.write(healthy, 0, FakeTraces.pattern(4096, 1)));
                    assertEquals(ErrorKind.TIMEOUT, assertThrows(BlockDeviceException.class,
                            () -> session.perform(BlockOperation.read(stalled, 8, 8))).kind());
                    session.perform(BlockOperation.read(healthy, 0, 8));
                });
        assertEquals("true", FakeTraces.read(file).metadata().board().get("driver.ringReset"));

        ReplayResult strict = Replayer.strict(file);

        assertEquals(ReplayResult.Status.REPRODUCED, strict.status(), strict.render());
        ReplayResult without = Replayer.strict(file, ReplayOptions.DEFAULTS.withDriverOptions(options.withRingReset(false)));
        assertEquals(ReplayResult.Status.DIVERGED, without.status(), "the option changes the calls the driver makes");
    }
}
