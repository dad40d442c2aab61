package dev.vblk.cli;

import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.pci.PciBar;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.io.PrintWriter;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The PCI part of {@code vblk scan}: the functions on bus 0 of the virt board's host bridge, block
 * devices with their assigned BARs, capacity, offered features, how their interrupts arrive (MSI-X
 * vectors or INTx, and why not MSI-X) and {@link DeviceDetails}. Prints nothing when no function
 * answers (as on the fake machine).
 */
final class PciListing {

    private static final String ROW = "%-7s  %-9s  %-16s  %-9s  %s%n";

    private PciListing() {}

    /** Scans PCI bus 0 behind {@code host}, setting block devices up with {@code options}, and lists what it finds. */
    static void print(PrintWriter out, Platform platform, DriverOptions options, PciHostBridge host) {
        List<PciReport> reports = new PciScanner(platform, host, options).scan(new DeviceRegistry());
        if (reports.isEmpty()) {
            return;
        }
        out.printf("PCI bus 0 behind the host bridge with ECAM at 0x%x:%n", host.ecamBase());
        out.printf(ROW, "address", "device", "sectors", "read-only", "BARs; features offered");
        int blocks = 0;
        for (PciReport report : reports) {
            String address = report.address().toString();
            if (report instanceof PciReport.BoundBlockDevice bound) {
                blocks++;
                VirtioBlkDevice device = bound.device();
                long offered = bound.transport().deviceFeatures();
                out.printf(ROW, address, "block", Sizes.sectors(device.info().capacitySectors()),
                        device.info().readOnly() ? "yes" : "no",
                        bound.function().bars().stream().map(PciBar::toString).collect(Collectors.joining(", "))
                                + "; " + BlkFeatures.describe(offered));
                out.println("         interrupts: " + bound.transport().interruptDescription());
                DeviceDetails.print(out, "         ", device);
            } else if (report instanceof PciReport.OtherFunction other) {
                String kind = other.virtioDeviceType() >= 0 ? "virtio device type " + other.virtioDeviceType()
                        : String.format("class 0x%06x", other.classCode());
                out.printf(ROW, address, String.format("%04x:%04x", other.vendorId(), other.deviceId()), "", "",
                        "(" + kind + ", left alone)");
            } else if (report instanceof PciReport.Unusable unusable) {
                out.printf(ROW, address, "unusable", "", "", unusable.reason());
            }
        }
        out.println(blocks + " PCI block device(s), " + reports.size() + " function(s) on bus 0");
    }
}
