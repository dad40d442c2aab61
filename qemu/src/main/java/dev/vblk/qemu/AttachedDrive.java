package dev.vblk.qemu;

/**
 * A drive as attached to the running machine: where its virtio-mmio transport is and which
 * interrupt line it raises.
 *
 * @param index the drive's position in {@link QemuConfig#drives()}
 * @param config the drive's configuration
 * @param slot the virtio-mmio transport slot (31 for the first drive, 30 for the second, ...)
 * @param transportAddress the physical base address of the transport's registers
 * @param interruptLine the line to pass to {@link dev.vblk.platform.InterruptLines#awaitInterrupt}
 * @param driveId the {@code -drive id}, as QMP commands such as {@code block_resize} name it
 * @param deviceId the {@code -device id} of the virtio-blk device
 */
public record AttachedDrive(int index, DriveConfig config, int slot, long transportAddress, int interruptLine,
        String driveId, String deviceId) {}
