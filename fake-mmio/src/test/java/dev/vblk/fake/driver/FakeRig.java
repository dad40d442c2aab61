package dev.vblk.fake.driver;

import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.FakeVirtioBlkDevice;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;

/** The driver on a fake machine with one fake block device in slot 31, as tests set it up. */
record FakeRig(FakePlatform platform, FakeVirtioBlkDevice device, MmioSlot slot) {

    /** Options with a short budget, so a request that never completes times out quickly in virtual time. */
    static final DriverOptions TEST_OPTIONS = DriverOptions.DEFAULTS.withBudgets(20_000_000L, 2_000, 100_000L, 256, 128 * 1024);

    static FakeRig of(FakeBlkConfig config) {
        FakePlatform platform = FakePlatform.create();
        FakeVirtioBlkDevice device = platform.attachBlockDevice(config);
        return new FakeRig(platform, device, new MmioSlot(31, FakePlatform.slotAddress(31), platform.interruptLine(31)));
    }

    VirtioBlkDevice open() {
        return open(TEST_OPTIONS);
    }

    VirtioBlkDevice open(DriverOptions options) {
        return VirtioBlkDevice.open(platform, slot, options);
    }
}
