package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.trace.Trace;
import dev.vblk.virtio.blk.DriverOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * VIRTIO_F_ACCESS_PLATFORM in replay: the golden recording made with {@code record --fake
 * --access-platform} stores the choice and replays strictly and relaxed (the mapping is no platform
 * call, so replay needs none); a driver not allowed the feature diverges from it.
 */
class AccessPlatformReplayTest {

    private static final Path GOLDEN = TraceRegressionTest.repositoryRoot().resolve("traces/fake/access-platform.trace.avro");

    @Test
    void theGoldenRecordingStoresTheChoiceAndReplaysStrictAndRelaxed() {
        Trace trace = FakeTraces.read(GOLDEN);
        assertEquals("true", trace.metadata().board().get("driver.accessPlatform"));
        ReplayResult strict = Replayer.strict(GOLDEN);
        assertEquals(ReplayResult.Status.REPRODUCED, strict.status(), strict.render());
        ReplayResult relaxed = Replayer.relaxed(GOLDEN);
        assertEquals(ReplayResult.Status.REPRODUCED, relaxed.status(), relaxed.render());
    }

    @Test
    void aDriverNotAllowedTheFeatureDivergesFromTheGoldenRecording() {
        ReplayResult refused = Replayer.strict(GOLDEN, ReplayOptions.DEFAULTS.withDriverOptions(DriverOptions.DEFAULTS));
        assertEquals(ReplayResult.Status.DIVERGED, refused.status(), refused.render());
    }
}
