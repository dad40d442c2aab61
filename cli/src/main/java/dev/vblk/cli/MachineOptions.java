package dev.vblk.cli;

import dev.vblk.block.BlockDevice;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.harness.AttachedTarget;
import dev.vblk.harness.FakeTarget;
import dev.vblk.harness.HarnessException;
import dev.vblk.harness.QemuTarget;
import dev.vblk.harness.Target;
import dev.vblk.pci.MsiFrame;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.qemu.AttachedQemu;
import dev.vblk.qemu.BlkdebugRule;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.ExtraArguments;
import dev.vblk.qemu.ImageFormat;
import dev.vblk.qemu.QemuBinary;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.session.BoardParameters;
import dev.vblk.virtio.blk.DriverOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Stack;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The machine a command runs the driver on: QEMU with disk images and options of the user's choosing,
 * a QEMU the user started ({@code --attach}), or the fake device with an in-memory disk. Shared by
 * {@code scan}, {@code record}, {@code cat} and {@code put}.
 */
final class MachineOptions {

    /** Sectors of the fake device's disk unless {@code --sectors} says otherwise: 1 MiB. */
    static final int DEFAULT_FAKE_SECTORS = 2048;

    /** The zone size of a {@code --zoned} fake device: 128 KiB, eight zones of the default disk. */
    static final long FAKE_ZONE_SECTORS = 256;
    static final String HOST_MANAGED = "host-managed";
    static final String HOST_AWARE = "host-aware";

    @Parameters(paramLabel = "IMAGE", arity = "0..*",
            description = "Disk images to attach to QEMU, in order (the first sits in the highest slot, 31).")
    List<Path> images = new ArrayList<>();

    @Option(names = "--pci", paramLabel = "IMAGE",
            description = "A disk image to attach to QEMU as a virtio-blk-pci function on PCI bus 0 (repeatable; "
                    + "the first at 00:01.0); the driver then scans bus 0 too, after the virtio-mmio slots.")
    List<Path> pciImages = new ArrayList<>();

    @Option(names = "--msix",
            description = "Give the --pci functions MSI-X vectors, one per queue and one for configuration changes, "
                    + "through the board's GICv2m frame; without it they use INTx.")
    boolean msix;

    @Option(names = "--format", paramLabel = "raw|qcow2",
            description = "Format of each image, in the order of the images; images without one are qcow2 "
                    + "when named *.qcow2, else raw.")
    List<ImageFormat> formats = new ArrayList<>();

    @Option(names = "--read-only", description = "Attach every image read-only.")
    boolean readOnly;

    @Option(names = "--qemu", paramLabel = "PATH",
            description = "The qemu-system-aarch64 executable (default: $VBLK_QEMU, else the PATH).")
    Path qemu;

    @Option(names = "--qemu-arg", paramLabel = "ARG", parameterConsumer = OneArgument.class,
            description = "One more argument for QEMU's command line, after vblk's own (repeatable, one argument "
                    + "each, taken as it is even when it starts with '-': --qemu-arg -blockdev --qemu-arg driver=file,filename=b.img,node-name=b0). Options that "
                    + "change the machine or vblk's channels (-M, -m, -accel, -S, -qtest, -qmp, memory backends, "
                    + "stdio) are refused.")
    List<String> qemuArgs = new ArrayList<>();

    @Option(names = "--device-property", paramLabel = "KEY=VALUE",
            description = "A property of every virtio-blk device (-global virtio-blk-device.KEY=VALUE), such as "
                    + "num-queues=2, packed=on (record, cat and put then ask the driver for the packed ring), discard=off (repeatable).")
    List<String> deviceProperties = new ArrayList<>();

    @Option(names = "--packed",
            description = "Make every QEMU virtio-blk device offer the packed ring and ask the driver for it "
                    + "(VIRTIO_F_RING_PACKED): the same as --device-property packed=on.")
    boolean packed;

    @Option(names = "--topology",
            description = "Let the driver accept VIRTIO_BLK_F_TOPOLOGY when a device offers it and read its hints "
                    + "(physical block, alignment, minimum and optimal I/O size); the trace stores the choice.")
    boolean topology;

    @Option(names = "--ring-reset",
            description = "Let the driver accept VIRTIO_F_RING_RESET when a device offers it: a queue whose request "
                    + "times out is reset on its own; the trace stores the choice.")
    boolean ringReset;

    @Option(names = "--secure-erase",
            description = "Let the driver accept VIRTIO_BLK_F_SECURE_ERASE (VirtIO 1.2) when a device offers it; with "
                    + "--fake the device offers it (QEMU 7.2 does not); the trace stores the choice.")
    boolean secureErase;

    @Option(names = "--lifetime",
            description = "Let the driver accept VIRTIO_BLK_F_LIFETIME (VirtIO 1.2) and ask for the device's wear report; "
                    + "with --fake the device offers it (QEMU 7.2 does not); the trace stores the choice.")
    boolean lifetime;

    @Option(names = "--in-order",
            description = "Let the driver accept VIRTIO_F_IN_ORDER when a device offers it (with --fake the device "
                    + "offers it): requests complete in the order they were made available, a batch under one used "
                    + "entry; the trace stores the choice.")
    boolean inOrder;

    @Option(names = "--notification-data",
            description = "Let the driver accept VIRTIO_F_NOTIFICATION_DATA when a device offers it (with --fake the "
                    + "device offers it): each notification carries the queue's next available position; the trace "
                    + "stores the choice.")
    boolean notificationData;

    @Option(names = "--access-platform",
            description = "Let the driver accept VIRTIO_F_ACCESS_PLATFORM when a device offers it: the device reaches "
                    + "only the rings and request buffers the driver maps for it; with --fake the device offers and "
                    + "requires it (QEMU does with --device-property iommu_platform=on); the trace stores the choice.")
    boolean accessPlatform;

    @Option(names = "--zoned", paramLabel = "MODEL", arity = "0..1", fallbackValue = HOST_MANAGED,
            description = "Let the driver accept VIRTIO_BLK_F_ZONED (VirtIO 1.2) and make zone commands; with --fake the "
                    + "device is zoned, " + HOST_MANAGED + " (the default) or " + HOST_AWARE + ", in zones of "
                    + FAKE_ZONE_SECTORS + " sectors, the first conventional when host-managed; the trace stores the choice.")
    String zoned;

    @Option(names = "--drive-option", paramLabel = "KEY=VALUE",
            description = "One more item of each image's -drive option, such as cache=none or aio=threads (repeatable).")
    List<String> driveOptions = new ArrayList<>();

    @Option(names = "--attach", paramLabel = "QTEST_SOCKET",
            description = "Drive a QEMU you started, through its -qtest unix:QTEST_SOCKET,server=on,wait=off; it "
                    + "goes on running afterwards (docs/qemu.md has the command line).")
    Path attach;

    @Option(names = "--qmp", paramLabel = "QMP_SOCKET",
            description = "With --attach: the QEMU's -qmp unix:QMP_SOCKET,server=on,wait=off.")
    Path qmp;

    @Option(names = "--shared-ram", paramLabel = "FILE",
            description = "With --attach: the mem-path of the QEMU's memory-backend-file,share=on guest RAM, mapped "
                    + "so that memory is reached at memory speed (default: every access over qtest).")
    Path sharedRam;

    @Option(names = "--fake", description = "Run on the software fake device instead of QEMU.")
    boolean fake;

    @Option(names = "--sectors", paramLabel = "N", defaultValue = "" + DEFAULT_FAKE_SECTORS,
            description = "Sectors of the fake device's disk, every one holding the sector signature "
                    + "(default: ${DEFAULT-VALUE}).")
    int sectors;

    /** The disk images named: the virtio-mmio ones, then the {@code --pci} ones. */
    List<Path> diskImages() {
        List<Path> disks = new ArrayList<>(images);
        disks.addAll(pciImages);
        return disks;
    }

    /** The files these options name: the disk images and the QEMU executable given with {@code --qemu}. */
    List<Path> inputFiles() {
        List<Path> files = diskImages();
        for (Path file : new Path[] {qemu, attach, qmp, sharedRam}) {
            if (file != null) {
                files.add(file);
            }
        }
        return files;
    }

    /**
     * {@code base} with what the options ask of the driver: the packed ring when every device is
     * told {@code packed=on} ({@code --packed} or {@code --device-property}), so that the ring the user asked for is the
     * one the driver uses; TOPOLOGY, RING_RESET, SECURE_ERASE, LIFETIME, IN_ORDER and NOTIFICATION_DATA
     * when {@code --topology}, {@code --ring-reset}, {@code --secure-erase}, {@code --lifetime},
     * {@code --in-order} and {@code --notification-data} allow them; ACCESS_PLATFORM and ZONED when
     * {@code --access-platform} and {@code --zoned} do.
     */
    DriverOptions driverOptions(DriverOptions base) {
        boolean packedRing = packed || deviceProperties.stream().map(property -> property.toLowerCase(Locale.ROOT))
                .anyMatch(property -> List.of("packed=on", "packed=true", "packed=yes").contains(property));
        DriverOptions options = packedRing ? base.withPackedRing(true) : base;
        options = topology ? options.withTopology(true) : options;
        options = secureErase ? options.withSecureErase(true) : options;
        options = lifetime ? options.withLifetime(true) : options;
        options = accessPlatform ? options.withAccessPlatform(true) : options;
        options = ringReset ? options.withRingReset(true) : options;
        options = inOrder ? options.withInOrder(true) : options;
        options = fakeZones() != FakeBlkConfig.Zoned.NONE ? options.withZoned(true) : options;
        return notificationData ? options.withNotificationData(true) : options;
    }

    /**
     * The zones of a {@code --zoned} fake device, {@link FakeBlkConfig.Zoned#NONE} without the option.
     *
     * @throws BadInputException for a model other than host-managed and host-aware
     */
    private FakeBlkConfig.Zoned fakeZones() {
        if (zoned == null) {
            return FakeBlkConfig.Zoned.NONE;
        }
        return switch (zoned) {
            case HOST_MANAGED -> FakeBlkConfig.Zoned.hostManaged(FAKE_ZONE_SECTORS);
            case HOST_AWARE -> FakeBlkConfig.Zoned.hostAware(FAKE_ZONE_SECTORS);
            default -> throw new BadInputException("--zoned takes " + HOST_MANAGED + " or " + HOST_AWARE + ", not '"
                    + zoned + "'");
        };
    }

    /**
     * The board the driver runs on: QEMU's virt window with {@code base} and what the QEMU options ask of
     * the driver ({@link #driverOptions(DriverOptions)}), and PCI bus 0 scanned too when {@code --pci} names images.
     */
    BoardParameters board(DriverOptions base) {
        BoardParameters board = BoardParameters.QEMU_VIRT_DEFAULTS.withOptions(driverOptions(base));
        return pciImages.isEmpty() ? board : board.withPci(pciHost());
    }

    /** The virt board's PCI host bridge, with its GICv2m frame for MSI-X under {@code --msix}. */
    PciHostBridge pciHost() {
        return msix ? PciHostBridge.QEMU_VIRT.withMsi(MsiFrame.QEMU_VIRT_V2M) : PciHostBridge.QEMU_VIRT;
    }

    /**
     * The target these options describe, for the driver's default options.
     *
     * @throws BadInputException as {@link #target(List, boolean, DriverOptions)} does
     */
    Target target(List<BlkdebugRule> errors, boolean imagesRequired) {
        return target(errors, imagesRequired, BoardParameters.QEMU_VIRT_DEFAULTS.options());
    }

    /**
     * The target these options describe, for a driver with {@code driver} options: the guest RAM of
     * QEMU or of the fake machine holds what every device needs with them ({@link DriverOptions#guestMemoryPerDevice()}). The
     * {@code --pci} images are attached as virtio-blk-pci functions after the virtio-mmio drives (same
     * format rule, {@code --read-only} and drive options).
     *
     * @param errors blkdebug rules for the first image
     * @throws BadInputException for a missing image, a format list longer than the images, QEMU
     *     options with {@code --fake}, PCI images with {@code --fake} or {@code --attach}, or {@code --msix}
     *     without PCI images
     * @throws dev.vblk.qemu.QemuException if QEMU is not where it should be
     */
    Target target(List<BlkdebugRule> errors, boolean imagesRequired, DriverOptions driver) {
        if (attach == null && (qmp != null || sharedRam != null)) {
            throw new BadInputException("--qmp and --shared-ram go with --attach");
        }
        if ((fake || attach != null) && !pciImages.isEmpty()) {
            throw new BadInputException((fake ? "--fake has no PCI bus" : "--attach drives the QEMU you started")
                    + ": leave out --pci");
        }
        if (msix && pciImages.isEmpty()) {
            throw new BadInputException("--msix gives the --pci functions MSI-X vectors: name at least one --pci IMAGE");
        }
        if (attach != null) {
            return attached(errors);
        }
        if (fake) {
            if (!images.isEmpty() || !errors.isEmpty() || readOnly || qemu != null || !formats.isEmpty()
                    || !qemuArgs.isEmpty() || !deviceProperties.isEmpty() || !driveOptions.isEmpty() || packed) {
                throw new BadInputException("--fake uses an in-memory disk: leave out images, --format, --read-only, "
                        + "--error, --qemu and the QEMU options");
            }
            if (sectors < 1) {
                throw new BadInputException("--sectors must be at least 1, not " + sectors);
            }
            FakeBlkConfig.Zoned zones = fakeZones();
            return FakeTarget.signedDisk("fake-disk", sectors).offering(secureErase, lifetime)
                    .requiringAccessPlatform(accessPlatform)
                    .withMemoryPerDevice(driver.guestMemoryPerDevice())
                    .withDevices(device -> device.offerInOrder(inOrder).offerNotificationData(notificationData).zoned(zones));
        }
        List<String> extra = extraArguments();
        if (imagesRequired && images.isEmpty() && pciImages.isEmpty() && qemuArgs.isEmpty()) {
            throw new BadInputException("name at least one disk image (or add drives with --qemu-arg), or run on the "
                    + "fake device with --fake");
        }
        if (formats.size() > images.size()) {
            throw new BadInputException(formats.size() + " --format options for " + images.size() + " image(s)");
        }
        if (!errors.isEmpty() && images.isEmpty()) {
            throw new BadInputException("--error needs a disk image to inject errors into");
        }
        images.forEach(image -> Inputs.existingFile(image, "disk image"));
        pciImages.forEach(image -> Inputs.existingFile(image, "disk image"));
        QemuConfig.Builder config = QemuConfig.builder().binary(QemuBinary.locate(qemu).path())
                .extraArgs(extra).memoryPerDevice(driver.guestMemoryPerDevice());
        for (int i = 0; i < images.size(); i++) {
            Path image = images.get(i);
            ImageFormat format = i < formats.size() ? formats.get(i) : formatOf(image);
            DriveConfig drive = drive(image, format);
            if (i == 0 && !errors.isEmpty()) {
                requireSectorsWithin(image, format, errors);
                drive = drive.withErrors(errors.toArray(BlkdebugRule[]::new));
            }
            config.drive(drive);
        }
        for (Path image : pciImages) {
            config.pciDrive(drive(image, formatOf(image)));
        }
        try {
            return new QemuTarget(config.build());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }

    /**
     * A drive of the image in the format, read-only if {@code --read-only} says so, with the
     * {@code --drive-option}s; a raw image must be whole sectors.
     */
    private DriveConfig drive(Path image, ImageFormat format) {
        if (format == ImageFormat.RAW) {
            requireWholeSectors(image);
        }
        DriveConfig drive = format == ImageFormat.QCOW2 ? DriveConfig.qcow2(image) : DriveConfig.raw(image);
        if (readOnly) {
            drive = drive.asReadOnly();
        }
        try {
            return drive.withOptions(driveOptions);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--drive-option: " + e.getMessage(), e);
        }
    }

    /** The QEMU the user started, which these options attach to. */
    private Target attached(List<BlkdebugRule> errors) {
        if (fake || !images.isEmpty() || !errors.isEmpty() || readOnly || qemu != null || !formats.isEmpty()
                || !qemuArgs.isEmpty() || !deviceProperties.isEmpty() || !driveOptions.isEmpty() || packed) {
            throw new BadInputException("--attach drives the QEMU you started, with its own drives and options: leave out "
                    + "--fake, images, --format, --read-only, --error, --qemu and the QEMU options");
        }
        if (qmp == null) {
            throw new BadInputException("--attach needs --qmp QMP_SOCKET: vblk finds the interrupt controller over QMP "
                    + "(start QEMU with -qmp unix:QMP_SOCKET,server=on,wait=off)");
        }
        for (Path socket : List.of(attach, qmp)) {
            if (!Files.exists(socket)) {
                throw new HarnessException("no QEMU listens at " + socket + ": it does not exist (start QEMU first, "
                        + "as docs/qemu.md shows)");
            }
        }
        if (sharedRam != null) {
            Inputs.existingFile(sharedRam, "shared guest RAM");
        }
        return new AttachedTarget(new AttachedQemu.Config(attach.toAbsolutePath(), qmp.toAbsolutePath(),
                Optional.ofNullable(sharedRam).map(Path::toAbsolutePath),
                QemuConfig.DEFAULT_REPLY_TIMEOUT));
    }

    /**
     * The arguments added to QEMU's: the device properties as {@code -global} settings, {@code packed=on}
     * among them with {@code --packed}, then the {@code --qemu-arg} arguments.
     *
     * @throws BadInputException for a property that is not KEY=VALUE or one vblk sets, or a refused argument
     */
    private List<String> extraArguments() {
        List<String> arguments = new ArrayList<>();
        for (String property : deviceProperties) {
            int equals = property.indexOf('=');
            if (equals < 1) {
                throw new BadInputException("--device-property takes KEY=VALUE, not '" + property + "'");
            }
            if (List.of("drive", "id").contains(property.substring(0, equals))) {
                throw new BadInputException("--device-property " + property + " cannot be used: vblk sets "
                        + property.substring(0, equals) + "= of its devices itself");
            }
            arguments.add("-global");
            arguments.add("virtio-blk-device." + property);
        }
        if (packed) {
            arguments.add("-global");
            arguments.add("virtio-blk-device.packed=on");
        }
        arguments.addAll(qemuArgs);
        ExtraArguments.problem(arguments).ifPresent(problem -> {
            throw new BadInputException(problem);
        });
        return arguments;
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

    /** Refuses an {@code --error} rule for a sector beyond the image: it could never fire. */
    private static void requireSectorsWithin(Path image, ImageFormat format, List<BlkdebugRule> errors) {
        long sectors;
        try {
            sectors = format.diskBytes(image) / BlockDevice.SECTOR_SIZE;
        } catch (IOException e) {
            throw new BadInputException("cannot read the size of disk image " + image + ": " + e.getMessage(), e);
        }
        for (BlkdebugRule rule : errors) {
            if (rule.sector().isPresent() && rule.sector().getAsLong() >= sectors) {
                throw new BadInputException("--error sector " + rule.sector().getAsLong() + " is beyond disk image " + image
                        + " (" + sectors + " sectors, 0 to " + (sectors - 1) + "): the error could never happen");
            }
        }
    }

    /** qcow2 for {@code *.qcow2}, else raw. */
    static ImageFormat formatOf(Path image) {
        return image.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".qcow2") ? ImageFormat.QCOW2 : ImageFormat.RAW;
    }

    /** Takes the next argument as the option's value as it is, even one that looks like a vblk option ({@code -object}). */
    static final class OneArgument implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, CommandLine.Model.ArgSpec argSpec,
                CommandLine.Model.CommandSpec commandSpec) {
            if (args.isEmpty()) {
                throw new CommandLine.ParameterException(commandSpec.commandLine(),
                        "Missing required parameter for option '--qemu-arg' (ARG)");
            }
            List<String> values = argSpec.getValue();
            values.add(args.pop());
        }
    }
}
