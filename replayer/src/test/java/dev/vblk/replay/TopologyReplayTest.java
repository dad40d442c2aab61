package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.session.BoardParameters;
import dev.vblk.trace.Trace;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VIRTIO_BLK_F_TOPOLOGY in replay: a trace recorded before the driver could accept it (QEMU 7.2 offers
 * it) replays exactly because a trace without {@code driver.topology} replays with the feature left
 * alone, and would not with it accepted; a recording that accepted it stores the choice and replays.
 */
class TopologyReplayTest {

    @TempDir
    Path dir;

    @Test
    void aGoldenTraceRecordedBeforeTopologyReplaysOnlyWithTheFeatureLeftAlone() {
        Path golden = TraceRegressionTest.repositoryRoot().resolve("traces/discovery.trace.avro");
        BoardParameters board = BoardParameters.fromMap(FakeTraces.read(golden).metadata().board());
        assertFalse(board.options().topology());

        assertEquals(ReplayResult.Status.REPRODUCED, Replayer.strict(golden).status());
        ReplayResult accepting = Replayer.strict(golden,
                ReplayOptions.DEFAULTS.withDriverOptions(board.options().withTopology(true)));
        assertEquals(ReplayResult.Status.DIVERGED, accepting.status(),
                "accepting TOPOLOGY changes the feature word the driver writes: " + accepting.render());
    }

    @Test
    void aRecordingThatAcceptedTopologyStoresTheChoiceAndReplaysStrictAndRelaxed() {
        FakeBlkConfig config = FakeBlkConfig.builder().topology(new FakeBlkConfig.Topology(3, 1, 8, 64)).build();
        Path file = FakeTraces.record(dir.resolve("topology.trace.avro"), config, FakeTraces.OPTIONS.withTopology(true),
                FakeTraces.mixedWorkload());
        Trace trace = FakeTraces.read(file);
        assertEquals("true", trace.metadata().board().get("driver.topology"));

        assertEquals(ReplayResult.Status.REPRODUCED, Replayer.strict(file).status(), Replayer.strict(file).render());
        assertEquals(ReplayResult.Status.REPRODUCED, Replayer.relaxed(file).status(), Replayer.relaxed(file).render());
        assertEquals(ReplayResult.Status.DIVERGED,
                Replayer.strict(file, ReplayOptions.DEFAULTS.withDriverOptions(FakeTraces.OPTIONS)).status());
    }
}
