package dev.vblk.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How to start one QEMU {@code virt} machine: which binary, how much RAM, which drives, and how long
 * to wait for each reply.
 *
 * @param binary an explicit {@code qemu-system-aarch64}; empty to use {@code VBLK_QEMU} or {@code PATH}
 * @param ramBytes guest RAM size, a positive multiple of 1 MiB
 * @param drives the drives, attached in this order (first drive in transport slot 31)
 * @param extraArgs arguments appended to the command line as they are; {@link ExtraArguments} says
 *     which are refused
 * @param replyTimeout the longest wait for any qtest or QMP reply, and for QEMU's start
 * @param sharedMemory whether guest RAM is a file shared with QEMU and mapped by this process
 *     ({@link SharedGuestRam}), so that memory accesses are plain loads and stores; when false every
 *     memory access is a qtest command
 * @param pciDrives drives attached as {@code virtio-blk-pci} functions on PCI bus 0, the first at
 *     device 1 ({@link VirtMachine#pciAddressOfDevice})
 */
public record QemuConfig(Optional<Path> binary, long ramBytes, List<DriveConfig> drives, List<String> extraArgs,
        Duration replyTimeout, boolean sharedMemory, List<DriveConfig> pciDrives) {

    /** The default guest RAM size: 64 MiB. */
    public static final long DEFAULT_RAM_BYTES = 64L << 20;

    /** The default reply time limit: 5 seconds. */
    public static final Duration DEFAULT_REPLY_TIMEOUT = Duration.ofSeconds(5);

    /** Validates and copies the configuration. */
    public QemuConfig {
        if (ramBytes <= 0 || ramBytes % (1L << 20) != 0) {
            throw new IllegalArgumentException("RAM size must be a positive multiple of 1 MiB, not " + ramBytes);
        }
        if (sharedMemory && ramBytes > SharedGuestRam.MAX_BYTES) {
            throw new IllegalArgumentException("shared guest RAM is at most " + (SharedGuestRam.MAX_BYTES >> 20)
                    + " MiB, not " + (ramBytes >> 20) + " MiB; use sharedMemory(false) for more");
        }
        if (drives.size() > VirtMachine.TRANSPORT_SLOTS) {
            throw new IllegalArgumentException("the virt machine has " + VirtMachine.TRANSPORT_SLOTS
                    + " virtio-mmio transports, not enough for " + drives.size() + " drives");
        }
        if (replyTimeout.isNegative() || replyTimeout.isZero()) {
            throw new IllegalArgumentException("reply timeout must be positive, not " + replyTimeout);
        }
        if (pciDrives.size() > VirtMachine.PCI_DRIVE_SLOTS) {
            throw new IllegalArgumentException("at most " + VirtMachine.PCI_DRIVE_SLOTS + " PCI drives, not "
                    + pciDrives.size());
        }
        drives = List.copyOf(drives);
        extraArgs = List.copyOf(extraArgs);
        ExtraArguments.problem(extraArgs).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        pciDrives = List.copyOf(pciDrives);
    }

    /** A builder with the defaults: no explicit binary, 64 MiB of shared RAM, no drives, 5 s reply limit. */
    public static Builder builder() {
        return new Builder();
    }

    /** A configuration with default settings and the given drives. */
    public static QemuConfig of(DriveConfig... drives) {
        Builder builder = builder();
        for (DriveConfig drive : drives) {
            builder.drive(drive);
        }
        return builder.build();
    }

    /** Builds a {@link QemuConfig}. */
    public static final class Builder {
        private Path binary;
        private long ramBytes = DEFAULT_RAM_BYTES;
        private final List<DriveConfig> drives = new ArrayList<>();
        private final List<DriveConfig> pciDrives = new ArrayList<>();
        private final List<String> extraArgs = new ArrayList<>();
        private Duration replyTimeout = DEFAULT_REPLY_TIMEOUT;
        private boolean sharedMemory = true;
        private long memoryPerDevice;

        private Builder() {}

        /** Uses this executable instead of looking one up. */
        public Builder binary(Path path) {
            this.binary = path;
            return this;
        }

        /** Sets the guest RAM size in bytes (a multiple of 1 MiB). */
        public Builder ramBytes(long bytes) {
            this.ramBytes = bytes;
            return this;
        }

        /**
         * Gives the guest RAM enough room for every drive's device to take {@code bytes} (such as
         * {@link dev.vblk.virtio.blk.DriverOptions#guestMemoryPerDevice()}): the RAM is the larger of
         * that, rounded up to whole MiB, and the size set otherwise.
         */
        public Builder memoryPerDevice(long bytes) {
            this.memoryPerDevice = bytes;
            return this;
        }

        /** Attaches a drive after those already added. */
        public Builder drive(DriveConfig drive) {
            drives.add(drive);
            return this;
        }

        /** Attaches a drive as a {@code virtio-blk-pci} function after the PCI drives already added. */
        public Builder pciDrive(DriveConfig drive) {
            pciDrives.add(drive);
            return this;
        }

        /** Appends arguments to QEMU's command line. */
        public Builder extraArgs(String... args) {
            return extraArgs(List.of(args));
        }

        /** Appends arguments to QEMU's command line. */
        public Builder extraArgs(List<String> args) {
            extraArgs.addAll(args);
            return this;
        }

        /** Sets the time limit for every reply. */
        public Builder replyTimeout(Duration timeout) {
            this.replyTimeout = timeout;
            return this;
        }

        /**
         * Whether guest RAM is shared with QEMU and mapped (the default), or reached by qtest memory
         * commands only.
         */
        public Builder sharedMemory(boolean shared) {
            this.sharedMemory = shared;
            return this;
        }

        /** The configuration. */
        public QemuConfig build() {
            long ram = dev.vblk.virtio.blk.GuestRam.bytes(ramBytes, drives.size() + pciDrives.size(), memoryPerDevice);
            return new QemuConfig(Optional.ofNullable(binary), ram, drives, extraArgs, replyTimeout, sharedMemory,
                    pciDrives);
        }
    }
}
