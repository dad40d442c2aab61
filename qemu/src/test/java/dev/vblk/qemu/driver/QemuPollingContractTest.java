package dev.vblk.qemu.driver;

import dev.vblk.virtio.blk.CompletionMode;
import dev.vblk.virtio.blk.DriverOptions;

/** {@link QemuBlockDeviceContractTest} with completions found by polling the used ring, not by interrupts. */
class QemuPollingContractTest extends QemuBlockDeviceContractTest {

    @Override
    DriverOptions options() {
        return DriverOptions.DEFAULTS.withCompletion(CompletionMode.POLLING);
    }
}
