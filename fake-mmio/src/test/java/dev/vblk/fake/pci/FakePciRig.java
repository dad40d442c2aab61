package dev.vblk.fake.pci;

import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.List;

/** A fake machine with one virtio-blk-pci function at 00:01.0, and the driver's scan of its bus. */
record FakePciRig(FakePlatform platform, FakeVirtioBlkPciFunction function) {

    static FakePciRig of(FakeBlkConfig config) {
        FakePlatform platform = FakePlatform.create();
        return new FakePciRig(platform, platform.attachPciBlockDevice(1, config));
    }

    /** Scans bus 0 with the default options. */
    List<PciReport> scan() {
        return new PciScanner(platform, PciHostBridge.QEMU_VIRT, DriverOptions.DEFAULTS).scan(new DeviceRegistry());
    }

    /** The block device the scan bound at 00:01.0. */
    VirtioBlkDevice open() {
        PciReport report = scan().get(1);
        if (report instanceof PciReport.BoundBlockDevice bound) {
            return bound.device();
        }
        throw new AssertionError("00:01.0: " + report);
    }
}
