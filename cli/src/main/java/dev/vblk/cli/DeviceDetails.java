package dev.vblk.cli;

import dev.vblk.block.BlockTopology;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.io.PrintWriter;

/**
 * The lines {@code vblk scan} prints under each block device it lists, on virtio-mmio and PCI alike:
 * the features the driver negotiated, by name, and the topology hints when VIRTIO_BLK_F_TOPOLOGY was
 * negotiated.
 */
final class DeviceDetails {

    private DeviceDetails() {}

    /** Prints the details of {@code device}, each line starting with {@code indent}. */
    static void print(PrintWriter out, String indent, VirtioBlkDevice device) {
        out.println(indent + "negotiated: " + BlkFeatures.describe(device.negotiatedFeatures()));
        device.info().topology().ifPresent(topology -> out.println(indent + "topology:   " + describe(topology)));
    }

    /** A topology for people: {@code physical block 4 KiB, alignment offset 0 bytes, minimum I/O 8 KiB, optimal I/O 64 KiB}. */
    private static String describe(BlockTopology topology) {
        return "physical block " + Sizes.bytes(topology.physicalBlockBytes())
                + ", alignment offset " + Sizes.bytes(topology.alignmentOffsetBytes())
                + ", minimum I/O " + given(topology.minIoBytes())
                + ", optimal I/O " + given(topology.optimalIoBytes());
    }

    private static String given(long bytes) {
        return bytes == 0 ? "not given" : Sizes.bytes(bytes);
    }
}
