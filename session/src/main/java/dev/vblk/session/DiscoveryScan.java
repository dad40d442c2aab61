package dev.vblk.session;

import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.MmioScanner;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.discovery.SlotReport;
import dev.vblk.platform.Platform;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What one discovery found: the MMIO window's slots and PCI bus 0's functions (none if not scanned),
 * and the summary of it whose SHA-256 a recording stores as the DISCOVERY operation's outcome.
 */
record DiscoveryScan(List<SlotReport> slots, List<PciReport> functions) {

    DiscoveryScan {
        slots = List.copyOf(slots);
        functions = List.copyOf(functions);
    }

    /** Scans the board's MMIO window, and PCI bus 0 when the board has a host bridge, binding every block device. */
    static DiscoveryScan of(Platform platform, BoardParameters board) {
        DeviceRegistry registry = new DeviceRegistry();
        List<SlotReport> slots = new MmioScanner(platform, board.options()).scan(board.window(), registry);
        List<PciReport> functions = board.pci()
                .map(host -> new PciScanner(platform, host, board.options()).scan(registry))
                .orElse(List.of());
        return new DiscoveryScan(slots, functions);
    }

    /**
     * A digestible summary of what the scan found, so a replay can check it found the same: a line per
     * slot, then (only when PCI bus 0 was scanned) a line per function.
     */
    byte[] summary() {
        StringBuilder text = new StringBuilder();
        for (SlotReport report : slots) {
            text.append(report.slot().index()).append(':');
            if (report instanceof SlotReport.BoundBlockDevice bound) {
                text.append("blk ").append(bound.device().capacitySectors());
            } else if (report instanceof SlotReport.OtherDevice other) {
                text.append("type ").append(other.deviceType());
            } else if (report instanceof SlotReport.Unusable unusable) {
                text.append("unusable ").append(unusable.reason());
            } else {
                text.append("empty");
            }
            text.append('\n');
        }
        for (PciReport report : functions) {
            text.append("pci ").append(report.address()).append(':');
            if (report instanceof PciReport.BoundBlockDevice bound) {
                text.append("blk ").append(bound.device().capacitySectors());
            } else if (report instanceof PciReport.OtherFunction other) {
                text.append(String.format("%04x:%04x", other.vendorId(), other.deviceId()));
            } else if (report instanceof PciReport.Unusable unusable) {
                text.append("unusable ").append(unusable.reason());
            }
            text.append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
