package dev.vblk.cli;

import dev.vblk.block.BlockDevice;
import dev.vblk.harness.FakeTarget;
import dev.vblk.harness.QemuTarget;
import dev.vblk.harness.Target;
import dev.vblk.qemu.BlkdebugRule;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.ImageFormat;
import dev.vblk.qemu.QemuBinary;
import dev.vblk.qemu.QemuConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The machine a command runs the driver on: QEMU with disk images, or the fake device with an
 * in-memory disk. Shared by {@code scan} and {@code record}.
 */
final class MachineOptions {

    /** Sectors of the fake device's disk unless {@code --sectors} says otherwise: 1 MiB. */
    static final int DEFAULT_FAKE_SECTORS = 2048;

    @Parameters(paramLabel = "IMAGE", arity = "0..*",
            description = "Disk images to attach to QEMU, in order (the first sits in the highest slot, 31).")
    List<Path> images = new ArrayList<>();

    @Option(names = "--format", paramLabel = "raw|qcow2",
            description = "Format of each image, in the order of the images; images without one are qcow2 "
                    + "when named *.qcow2, else raw.")
    List<ImageFormat> formats = new ArrayList<>();

    @Option(names = "--read-only", description = "Attach every image read-only.")
    boolean readOnly;

    @Option(names = "--qemu", paramLabel = "PATH",
            description = "The qemu-system-aarch64 executable (default: $VBLK_QEMU, else the PATH).")
    Path qemu;

    @Option(names = "--fake", description = "Run on the software fake device instead of QEMU.")
    boolean fake;

    @Option(names = "--sectors", paramLabel = "N", defaultValue = "" + DEFAULT_FAKE_SECTORS,
            description = "Sectors of the fake device's disk, every one holding the sector signature "
                    + "(default: ${DEFAULT-VALUE}).")
    int sectors;

    /** The files these options name: the images and the QEMU executable given with {@code --qemu}. */
    List<Path> inputFiles() {
        List<Path> files = new ArrayList<>(images);
        if (qemu != null) {
            files.add(qemu);
        }
        return files;
    }

    /** Whether QEMU is to be used. */
    boolean onQemu() {
        return !fake;
    }

    /**
     * The target these options describe.
     *
     * @param errors blkdebug rules for the first image
     * @throws BadInputException for a missing image, a format list longer than the images, or QEMU
     *     options with {@code --fake}
     * @throws dev.vblk.qemu.QemuException if QEMU is not where it should be
     */
    Target target(List<BlkdebugRule> errors, boolean imagesRequired) {
        return target(errors, imagesRequired, List.of());
    }

    /**
     * The target these options describe, with {@code pciImages} attached to QEMU as virtio-blk-pci
     * functions after the virtio-mmio drives (same format rule and {@code --read-only}).
     *
     * @throws BadInputException as {@link #target(List, boolean)} does, and for PCI images with {@code --fake}
     */
    Target target(List<BlkdebugRule> errors, boolean imagesRequired, List<Path> pciImages) {
        if (fake && !pciImages.isEmpty()) {
            throw new BadInputException("--fake has no PCI bus: leave out --pci");
        }
        if (fake) {
            if (!images.isEmpty() || !errors.isEmpty() || readOnly || qemu != null || !formats.isEmpty()) {
                throw new BadInputException("--fake uses an in-memory disk: leave out images, --format, --read-only, "
                        + "--error and --qemu");
            }
            if (sectors < 1) {
                throw new BadInputException("--sectors must be at least 1, not " + sectors);
            }
            return FakeTarget.signedDisk("fake-disk", sectors);
        }
        if (imagesRequired && images.isEmpty() && pciImages.isEmpty()) {
            throw new BadInputException("name at least one disk image, or run on the fake device with --fake");
        }
        if (formats.size() > images.size()) {
            throw new BadInputException(formats.size() + " --format options for " + images.size() + " image(s)");
        }
        if (!errors.isEmpty() && images.isEmpty()) {
            throw new BadInputException("--error needs a disk image to inject errors into");
        }
        images.forEach(image -> Inputs.existingFile(image, "disk image"));
        pciImages.forEach(image -> Inputs.existingFile(image, "disk image"));
        QemuConfig.Builder config = QemuConfig.builder().binary(QemuBinary.locate(qemu).path());
        for (int i = 0; i < images.size(); i++) {
            Path image = images.get(i);
            ImageFormat format = i < formats.size() ? formats.get(i) : formatOf(image);
            DriveConfig drive = drive(image, format);
            if (i == 0 && !errors.isEmpty()) {
                drive = drive.withErrors(errors.toArray(BlkdebugRule[]::new));
            }
            config.drive(drive);
        }
        for (Path image : pciImages) {
            config.pciDrive(drive(image, formatOf(image)));
        }
        return new QemuTarget(config.build());
    }

    /** A drive of the image in the format, read-only if {@code --read-only} says so; a raw image must be whole sectors. */
    private DriveConfig drive(Path image, ImageFormat format) {
        if (format == ImageFormat.RAW) {
            requireWholeSectors(image);
        }
        DriveConfig drive = format == ImageFormat.QCOW2 ? DriveConfig.qcow2(image) : DriveConfig.raw(image);
        return readOnly ? drive.asReadOnly() : drive;
    }

    /**
     * Refuses a raw image whose size is not a whole number of sectors: the device would show only
     * the whole sectors, and a write to the last one would grow the file.
     */
    private static void requireWholeSectors(Path image) {
        long size;
        try {
            size = Files.size(image);
        } catch (IOException e) {
            throw new BadInputException("cannot read the size of disk image " + image + ": " + e.getMessage(), e);
        }
        if (size % BlockDevice.SECTOR_SIZE != 0) {
            throw new BadInputException("disk image " + image + " is " + size + " bytes, not a whole number of "
                    + BlockDevice.SECTOR_SIZE + "-byte sectors; make it " + (size / BlockDevice.SECTOR_SIZE + 1)
                    * BlockDevice.SECTOR_SIZE + " bytes (truncate -s) or give its format with --format");
        }
    }

    /** qcow2 for {@code *.qcow2}, else raw. */
    static ImageFormat formatOf(Path image) {
        return image.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".qcow2") ? ImageFormat.QCOW2 : ImageFormat.RAW;
    }
}
