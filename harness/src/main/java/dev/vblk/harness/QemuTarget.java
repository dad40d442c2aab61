package dev.vblk.harness;

import dev.vblk.platform.Platform;
import dev.vblk.qemu.AttachedDrive;
import dev.vblk.qemu.AttachedPciDrive;
import dev.vblk.qemu.BlkdebugRule;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuException;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.trace.TraceMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * QEMU's {@code virt} machine with its drives: images, formats, read-only flags and blkdebug rules,
 * all in the {@link QemuConfig}.
 *
 * <p>Platform metadata: {@code kind=qemu}, {@code qemu.version}, {@code qemu.command} (the full
 * command line, arguments separated by spaces), {@code qemu.ramBytes}, and per drive {@code i}:
 * {@code drive.i.image} (file name), {@code drive.i.format}, {@code drive.i.readOnly},
 * {@code drive.i.slot}, when it has rules {@code drive.i.blkdebug}, and when it has further
 * {@code -drive} items {@code drive.i.options}; per PCI drive {@code i}: {@code pciDrive.i.image},
 * {@code pciDrive.i.format}, {@code pciDrive.i.readOnly} and {@code pciDrive.i.address} (such as
 * {@code 00:01.0}). Disk images: the drives, then the PCI drives.
 */
public record QemuTarget(QemuConfig config) implements Target {

    public QemuTarget {
        Objects.requireNonNull(config, "config");
    }

    /** A machine with default settings and these drives. */
    public static QemuTarget of(DriveConfig... drives) {
        return new QemuTarget(QemuConfig.of(drives));
    }

    /** Each image's file name, size and SHA-256, in drive order. */
    @Override
    public List<TraceMetadata.DiskImage> diskImages() {
        List<TraceMetadata.DiskImage> images = new ArrayList<>();
        for (DriveConfig drive : allDrives()) {
            long size;
            try {
                size = Files.size(drive.image());
            } catch (IOException e) {
                throw new HarnessException("cannot read disk image " + drive.image() + ": " + e, e);
            }
            images.add(new TraceMetadata.DiskImage(drive.image().getFileName().toString(), size, Sha256.ofFile(drive.image())));
        }
        return images;
    }

    /** The virtio-mmio drives, then the PCI ones. */
    private List<DriveConfig> allDrives() {
        List<DriveConfig> drives = new ArrayList<>(config.drives());
        drives.addAll(config.pciDrives());
        return drives;
    }

    @Override
    public StartedTarget start() {
        QemuMachine machine;
        try {
            machine = QemuMachine.start(config);
        } catch (QemuException e) {
            throw new HarnessException("QEMU did not start: " + e.getMessage(), e);
        }
        return new Started(machine);
    }

    /** The blkdebug rules as metadata text: {@code read_aio errno=5 sector=9 once=false; ...}. */
    static String describe(List<BlkdebugRule> rules) {
        return rules.stream()
                .map(rule -> rule.event() + " errno=" + rule.errno()
                        + (rule.sector().isPresent() ? " sector=" + rule.sector().getAsLong() : "")
                        + " once=" + rule.once())
                .collect(Collectors.joining("; "));
    }

    private static final class Started implements StartedTarget {
        private final QemuMachine machine;

        Started(QemuMachine machine) {
            this.machine = machine;
        }

        @Override
        public Platform platform() {
            return machine.platform();
        }

        @Override
        public SortedMap<String, String> platformMetadata() {
            SortedMap<String, String> map = new TreeMap<>();
            map.put("kind", "qemu");
            map.put("qemu.version", machine.qemuVersion());
            map.put("qemu.command", String.join(" ", machine.commandLine()));
            map.put("qemu.ramBytes", Long.toString(machine.config().ramBytes()));
            for (AttachedDrive drive : machine.drives()) {
                String prefix = "drive." + drive.index() + ".";
                map.put(prefix + "image", drive.config().image().getFileName().toString());
                map.put(prefix + "format", drive.config().format().driverName());
                map.put(prefix + "readOnly", Boolean.toString(drive.config().readOnly()));
                map.put(prefix + "slot", Integer.toString(drive.slot()));
                if (!drive.config().options().isEmpty()) {
                    map.put(prefix + "options", String.join(",", drive.config().options()));
                }
                if (!drive.config().errorRules().isEmpty()) {
                    map.put(prefix + "blkdebug", describe(drive.config().errorRules()));
                }
            }
            for (AttachedPciDrive drive : machine.pciDrives()) {
                String prefix = "pciDrive." + drive.index() + ".";
                map.put(prefix + "image", drive.config().image().getFileName().toString());
                map.put(prefix + "format", drive.config().format().driverName());
                map.put(prefix + "readOnly", Boolean.toString(drive.config().readOnly()));
                map.put(prefix + "address", drive.address().toString());
            }
            return map;
        }

        @Override
        public void close() {
            machine.close();
        }
    }
}
