package dev.vblk.discovery;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.VirtioMmioTransport;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.List;

/**
 * Discovers virtio devices by probing every slot of an MMIO window: checks the magic value and the
 * version, skips empty slots, initialises block devices and registers them, and reports devices of
 * other types without binding them.
 */
public final class MmioScanner {

    private final Platform platform;
    private final DriverOptions options;

    public MmioScanner(Platform platform, DriverOptions options) {
        this.platform = platform;
        this.options = options;
    }

    /**
     * Probes every slot, lowest address first, and registers each block device that initialises.
     * A slot that fails does not stop the scan; its report says why.
     */
    public List<SlotReport> scan(MmioWindow window, DeviceRegistry registry) {
        List<SlotReport> reports = new ArrayList<>();
        for (int index = 0; index < window.slotCount(); index++) {
            SlotReport report = probe(window.slot(index));
            if (report instanceof SlotReport.BoundBlockDevice bound) {
                registry.register(bound.device());
            }
            reports.add(report);
        }
        return reports;
    }

    /** Probes one slot. */
    public SlotReport probe(MmioSlot slot) {
        VirtioMmioTransport transport = new VirtioMmioTransport(platform, slot, slot.toString());
        if (transport.read(MmioRegister.MAGIC_VALUE) != MmioRegister.MAGIC) {
            return new SlotReport.Empty(slot);
        }
        int version = transport.read(MmioRegister.VERSION);
        if (version != MmioRegister.MODERN_VERSION) {
            return new SlotReport.Unusable(slot, "virtio-mmio version " + version + " is not supported", null);
        }
        int deviceType = transport.read(MmioRegister.DEVICE_ID);
        if (deviceType == 0) {
            return new SlotReport.Empty(slot);
        }
        if (deviceType != VirtioBlkDevice.DEVICE_TYPE) {
            return new SlotReport.OtherDevice(slot, deviceType, transport.read(MmioRegister.VENDOR_ID));
        }
        try {
            return new SlotReport.BoundBlockDevice(slot, VirtioBlkDevice.open(platform, slot, options));
        } catch (BlockDeviceException e) {
            return new SlotReport.Unusable(slot, e.getMessage(), e);
        }
    }
}
