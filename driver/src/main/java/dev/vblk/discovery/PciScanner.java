package dev.vblk.discovery;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.DeviceLocation;
import dev.vblk.pci.PciAddress;
import dev.vblk.pci.PciConfigSpace;
import dev.vblk.pci.PciEnumerator;
import dev.vblk.pci.PciException;
import dev.vblk.pci.PciFunction;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.pci.VirtioPciTransport;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Discovers virtio block devices on bus 0 of a PCIe host bridge: enumerates the functions, assigns
 * the BARs of each virtio block function, opens its virtio-pci transport and initialises the
 * driver on it. Other functions are reported and left untouched (their BARs unassigned). When the
 * host bridge names an MSI frame, each function opened takes the next free lines of it for its MSI-X
 * vectors, in the order of the probes.
 */
public final class PciScanner {

    private final Platform platform;
    private final PciHostBridge host;
    private final DriverOptions options;
    private final PciEnumerator enumerator;
    private int nextFrameLine;

    /** A scanner whose BAR assignments start at the bottom of the host bridge's memory window. */
    public PciScanner(Platform platform, PciHostBridge host, DriverOptions options) {
        this.platform = platform;
        this.host = host;
        this.options = options;
        this.enumerator = new PciEnumerator(platform, host);
    }

    /**
     * Probes every function on bus 0, lowest address first, and registers each block device that
     * initialises. A function that fails does not stop the scan; its report says why.
     */
    public List<PciReport> scan(DeviceRegistry registry) {
        List<PciReport> reports = new ArrayList<>();
        for (PciAddress address : enumerator.present()) {
            PciReport report = probe(address);
            if (report instanceof PciReport.BoundBlockDevice bound) {
                registry.register(bound.device());
            }
            reports.add(report);
        }
        return reports;
    }

    /**
     * Probes one function: a virtio block function gets its BARs (fresh addresses from the window on
     * every probe) and is initialised; anything else is only identified.
     */
    public PciReport probe(PciAddress address) {
        PciConfigSpace config = enumerator.config(address);
        int vendor = config.u16(PciConfigSpace.VENDOR_ID);
        int device = config.u16(PciConfigSpace.DEVICE_ID);
        int classCode = (int) (config.u32(PciConfigSpace.CLASS_REVISION) >>> 8);
        OptionalInt type = enumerator.isEndpoint(address)
                ? VirtioPciTransport.deviceType(vendor, device, config.u16(PciConfigSpace.SUBSYSTEM_ID))
                : OptionalInt.empty();
        if (type.isEmpty() || type.getAsInt() != VirtioBlkDevice.DEVICE_TYPE) {
            return new PciReport.OtherFunction(address, vendor, device, classCode, type.orElse(-1));
        }
        BlockDeviceId id = new BlockDeviceId(VirtioBlkDevice.DEVICE_TYPE, new DeviceLocation.Pci(address));
        PciFunction function;
        VirtioPciTransport transport;
        try {
            function = enumerator.configure(address);
            transport = VirtioPciTransport.open(platform, host, function, id.toString(), nextFrameLine);
            nextFrameLine += transport.msiLinesUsed();
        } catch (PciException | VirtioException e) {
            return new PciReport.Unusable(address, e.getMessage(), null);
        }
        try {
            return new PciReport.BoundBlockDevice(function, transport, VirtioBlkDevice.open(platform, transport, id, options));
        } catch (BlockDeviceException e) {
            return new PciReport.Unusable(address, e.getMessage(), e);
        }
    }
}
