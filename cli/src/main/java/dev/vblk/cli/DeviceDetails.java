package dev.vblk.cli;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.BlockLifetime;
import dev.vblk.block.BlockTopology;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.VirtioBlkConfig;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.io.PrintWriter;

/**
 * The lines {@code vblk scan} prints under each block device it lists, on virtio-mmio and PCI alike:
 * the features the driver negotiated, by name, the topology hints when VIRTIO_BLK_F_TOPOLOGY was
 * negotiated, the secure-erase limits when VIRTIO_BLK_F_SECURE_ERASE was, and the wear report when
 * VIRTIO_BLK_F_LIFETIME was.
 */
final class DeviceDetails {

    private static final String[] PRE_EOL = {"undefined", "normal", "warning (80% of reserved blocks used)",
        "urgent (90% of reserved blocks used)"};

    private DeviceDetails() {}

    /** Prints the details of {@code device}, each line starting with {@code indent}. */
    static void print(PrintWriter out, String indent, VirtioBlkDevice device) {
        out.println(indent + "negotiated: " + BlkFeatures.describe(device.negotiatedFeatures()));
        device.info().topology().ifPresent(topology -> out.println(indent + "topology:   " + describe(topology)));
        if (FeatureBits.has(device.negotiatedFeatures(), BlkFeatures.SECURE_ERASE)) {
            VirtioBlkConfig config = device.config();
            out.println(indent + "secure erase: " + config.secureEraseDefect().orElse("up to "
                    + config.maxSecureEraseSectors() + " sectors a segment, " + config.maxSecureEraseSegments()
                    + " segment(s) a request, alignment " + config.secureEraseSectorAlignment() + " sector(s)"));
        }
        if (device.info().lifetimeSupported()) {
            String lifetime;
            try {
                lifetime = describe(device.lifetime());
            } catch (BlockDeviceException e) {
                lifetime = "not read: " + e.getMessage();
            }
            out.println(indent + "lifetime:   " + lifetime);
        }
    }

    /** A topology for people: {@code physical block 4 KiB, alignment offset 0 bytes, minimum I/O 8 KiB, optimal I/O 64 KiB}. */
    private static String describe(BlockTopology topology) {
        return "physical block " + Sizes.bytes(topology.physicalBlockBytes())
                + ", alignment offset " + Sizes.bytes(topology.alignmentOffsetBytes())
                + ", minimum I/O " + given(topology.minIoBytes())
                + ", optimal I/O " + given(topology.optimalIoBytes());
    }

    /** A wear report for people: {@code pre-EOL normal, SLC (type A) 0-10% used, MLC (type B) 10-20% used}. */
    private static String describe(BlockLifetime lifetime) {
        String preEol = lifetime.preEolInfo() <= BlockLifetime.PRE_EOL_URGENT ? PRE_EOL[lifetime.preEolInfo()]
                : "reserved value " + lifetime.preEolInfo();
        return "pre-EOL " + preEol + ", SLC (type A) " + estimate(lifetime.lifetimeEstimateA())
                + ", MLC (type B) " + estimate(lifetime.lifetimeEstimateB());
    }

    private static String estimate(int value) {
        if (value == 0) {
            return "undefined";
        }
        if (value == BlockLifetime.ESTIMATE_EXCEEDED) {
            return "lifetime exceeded";
        }
        return value < BlockLifetime.ESTIMATE_EXCEEDED ? (value - 1) * 10 + "-" + value * 10 + "% used"
                : "reserved value " + value;
    }

    private static String given(long bytes) {
        return bytes == 0 ? "not given" : Sizes.bytes(bytes);
    }
}
