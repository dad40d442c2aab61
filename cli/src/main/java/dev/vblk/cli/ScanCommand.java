package dev.vblk.cli;

import dev.vblk.discovery.SlotReport;
import dev.vblk.harness.StartedTarget;
import dev.vblk.harness.Target;
import dev.vblk.session.BoardParameters;
import dev.vblk.session.DriverSession;
import dev.vblk.virtio.VirtioMmioTransport;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vblk scan}: starts a machine with disk images and lists the virtio devices the driver finds. */
@Command(name = "scan",
        sortOptions = false,
        description = {
            "Start QEMU's virt board with the disk images and list the devices the driver's scan finds: slot,",
            "address, device type, the features the device offers, capacity and whether it is read-only, and",
            "under each block device the features the driver negotiated and the device's topology hints",
            "(VIRTIO_BLK_F_TOPOLOGY: physical block, alignment offset, minimum and optimal I/O size), its",
            "secure-erase limits (VIRTIO_BLK_F_SECURE_ERASE) and wear report (VIRTIO_BLK_F_LIFETIME) when it",
            "offers them; then the functions on PCI bus 0 with their address, assigned BARs and the same facts",
            "for block devices. QEMU 7.2 offers neither SECURE_ERASE nor LIFETIME; with --fake, --secure-erase",
            "and --lifetime make the fake device offer them."},
        footer = {
            "",
            "Examples:",
            "  vblk scan disk.img",
            "  vblk scan disk.img backup.qcow2 --read-only",
            "  vblk scan a.img b.img --format raw --format qcow2",
            "  vblk scan a.img --pci b.img",
            "  vblk scan --fake --sectors 4096",
            "  vblk scan --fake --secure-erase --lifetime"})
final class ScanCommand implements Callable<Integer> {

    /**
     * The driver's default options, with the topology hints, the secure-erase limits and the wear report
     * read so that they can be shown; the features the command line lets the driver accept
     * ({@code --in-order}, {@code --ring-reset}, ...) are added.
     */
    private static final DriverOptions OPTIONS = DriverOptions.DEFAULTS.withTopology(true).withSecureErase(true)
            .withLifetime(true);

    /** Where the lines under a device's row start: below its address. */
    private static final String DETAIL_INDENT = "      ";

    @Mixin
    MachineOptions machine;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Target target = machine.target(List.of(), false);
        PrintWriter out = spec.commandLine().getOut();
        DriverOptions options = machine.driverOptions(OPTIONS);
        BoardParameters board = BoardParameters.QEMU_VIRT_DEFAULTS.withOptions(options);
        try (StartedTarget started = target.start()) {
            out.println(describeMachine(started) + ", " + board.window().slotCount() + " virtio-mmio slots of 0x"
                    + Integer.toHexString(board.window().slotSize()) + " bytes from 0x"
                    + String.format("%08x", board.window().baseAddress()));
            DriverSession session = DriverSession.discover(started.platform(), board);
            int empty = 0;
            out.printf("%-4s  %-10s  %-12s  %-16s  %-9s  %s%n", "slot", "address", "device", "sectors", "read-only",
                    "features offered");
            for (SlotReport report : session.reports()) {
                String slot = Integer.toString(report.slot().index());
                String address = String.format("0x%08x", report.slot().baseAddress());
                if (report instanceof SlotReport.Empty) {
                    empty++;
                } else if (report instanceof SlotReport.BoundBlockDevice bound) {
                    VirtioBlkDevice device = bound.device();
                    long offered = new VirtioMmioTransport(started.platform(), report.slot(), "vblk scan").deviceFeatures();
                    out.printf("%-4s  %-10s  %-12s  %-16s  %-9s  %s%n", slot, address, "block",
                            Sizes.sectors(device.info().capacitySectors()), device.info().readOnly() ? "yes" : "no",
                            BlkFeatures.describe(offered));
                    DeviceDetails.print(out, DETAIL_INDENT, device);
                } else if (report instanceof SlotReport.OtherDevice other) {
                    out.printf("%-4s  %-10s  %-12s  %s%n", slot, address, "type " + other.deviceType(),
                            "(not a block device, left alone)");
                } else if (report instanceof SlotReport.Unusable unusable) {
                    out.printf("%-4s  %-10s  %-12s  %s%n", slot, address, "unusable", unusable.reason());
                }
            }
            out.println(session.deviceNames().size() + " block device(s), " + empty + " empty slot(s)");
            PciListing.print(out, started.platform(), options, machine.pciHost());
        }
        return ExitCodes.OK;
    }

    private static String describeMachine(StartedTarget started) {
        var metadata = started.platformMetadata();
        return "qemu".equals(metadata.get("kind")) ? metadata.get("qemu.version") + ", virt board"
                : "fake machine (" + Sizes.bytes(Long.parseLong(metadata.get("fake.ramBytes"))) + " RAM)";
    }
}
