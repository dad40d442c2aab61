package dev.vblk.qemu.driver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.DriverOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link QemuBlockDeviceContractTest} on QEMU's packed ring: {@code packed=on}, and the driver allowed it. */
class QemuPackedRingContractTest extends QemuBlockDeviceContractTest {

    @Override
    List<String> deviceGlobals() {
        return List.of("-global", "virtio-blk-device.packed=on");
    }

    @Override
    DriverOptions options() {
        return DriverOptions.DEFAULTS.withPackedRing(true);
    }

    @Test
    void thePackedRingIsNegotiated() {
        long features = openWritable().negotiatedFeatures();
        assertTrue(FeatureBits.has(features, FeatureBits.RING_PACKED), Long.toHexString(features));
    }
}
