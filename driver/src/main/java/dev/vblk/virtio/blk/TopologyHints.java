package dev.vblk.virtio.blk;

import dev.vblk.block.BlockTopology;

/**
 * Turns the topology fields of the configuration (VIRTIO_BLK_F_TOPOLOGY, VirtIO 1.2 section 5.2.4:
 * physical_block_exp, alignment_offset, min_io_size and opt_io_size, in logical blocks) into the
 * {@link BlockTopology} block callers see, in bytes.
 *
 * <p>The spec calls them hints for performance; no request the driver makes depends on them, so a
 * device giving values that cannot be right does not make the driver fail. Each hint that breaks
 * its own rule is dropped and the others kept: a physical block larger than {@link #MAX_PHYSICAL_BLOCK_BYTES}
 * counts as one logical block (and its alignment offset as 0); an alignment offset of a whole physical
 * block or more counts as 0; an opt_io_size that is not a multiple of a non-zero min_io_size counts as
 * not given. A min_io_size or opt_io_size of 0 is "not given", as the fields read when the device
 * has no such hint.
 */
final class TopologyHints {

    /** The largest physical block taken from a device: the most data one request can carry (1 MiB). */
    static final int MAX_PHYSICAL_BLOCK_BYTES = 1 << 20;

    private TopologyHints() {}

    /** The topology the configuration's fields give, on a device of {@code logicalBlockBytes}-byte logical blocks. */
    static BlockTopology of(VirtioBlkConfig config, int logicalBlockBytes) {
        int exponent = config.physicalBlockExp();
        boolean physicalFits = exponent < Integer.SIZE && (long) logicalBlockBytes << exponent <= MAX_PHYSICAL_BLOCK_BYTES;
        int physicalBlockBytes = physicalFits ? logicalBlockBytes << exponent : logicalBlockBytes;
        long alignment = (long) config.alignmentOffset() * logicalBlockBytes;
        long minIo = (long) config.minIoSize() * logicalBlockBytes;
        boolean optimalFits = config.minIoSize() == 0 || config.optIoSize() % config.minIoSize() == 0;
        long optimalIo = optimalFits ? config.optIoSize() * logicalBlockBytes : 0;
        return new BlockTopology(physicalBlockBytes, alignment < physicalBlockBytes ? alignment : 0, minIo, optimalIo);
    }
}
