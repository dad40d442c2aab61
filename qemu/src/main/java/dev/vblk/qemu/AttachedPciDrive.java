package dev.vblk.qemu;

import dev.vblk.pci.PciAddress;

/**
 * A drive attached to the running machine as a {@code virtio-blk-pci} function.
 *
 * @param index the drive's position in {@link QemuConfig#pciDrives()}
 * @param config the drive's configuration
 * @param address the function's place on PCI bus 0
 * @param driveId the {@code -drive id}, as QMP commands such as {@code block_resize} name it
 * @param deviceId the {@code -device id} of the virtio-blk-pci function
 */
public record AttachedPciDrive(int index, DriveConfig config, PciAddress address, String driveId, String deviceId) {}
