package dev.vblk.fuzz.scenario;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.virtio.blk.DriverOptions;

/**
 * VIRTIO_F_RING_RESET and VIRTIO_BLK_F_TOPOLOGY in a scenario: whether the driver is allowed each (the
 * device offers them as its feature word says) and the topology fields the device's configuration
 * holds, values that break the hints' rules included.
 *
 * @param allowRingReset the driver's options allow VIRTIO_F_RING_RESET: a queue that times out or
 *     whose ring the device breaks is reset alone
 * @param allowTopology the driver's options allow VIRTIO_BLK_F_TOPOLOGY
 * @param topology config physical_block_exp, alignment_offset, min_io_size and opt_io_size
 */
public record ResetTopologySpec(boolean allowRingReset, boolean allowTopology, FakeBlkConfig.Topology topology) {

    /** Neither allowed, every topology field 0: every scenario made before the family. */
    public static final ResetTopologySpec NONE = new ResetTopologySpec(false, false, new FakeBlkConfig.Topology(0, 0, 0, 0));

    /** The fake device's configuration {@code config} with these topology fields. */
    public FakeBlkConfig applyTo(FakeBlkConfig config) {
        return config.toBuilder().topology(topology).build();
    }

    /** {@code options} with the features allowed as the scenario says. */
    public DriverOptions applyTo(DriverOptions options) {
        return options.withRingReset(allowRingReset).withTopology(allowTopology);
    }

    @Override
    public String toString() {
        return String.format("ring reset %s, topology %s (physical_block_exp %d, alignment_offset %d, min_io_size %d,"
                + " opt_io_size %d)", allowRingReset ? "allowed" : "not allowed", allowTopology ? "allowed" : "not allowed",
                topology.physicalBlockExp(), topology.alignmentOffset(), topology.minIoSize(), topology.optIoSize());
    }
}
