package dev.vblk.qemu;

import java.nio.file.Path;
import java.util.List;

/**
 * One disk image attached to the machine as a {@code virtio-blk-device}.
 *
 * @param image the image file
 * @param format the image format
 * @param readOnly whether the device is read-only (QEMU then offers {@code VIRTIO_BLK_F_RO})
 * @param errorRules blkdebug errors to inject below the device; empty for none
 */
public record DriveConfig(Path image, ImageFormat format, boolean readOnly, List<BlkdebugRule> errorRules) {

    /** Validates and copies the drive description. */
    public DriveConfig {
        if (image == null || format == null) {
            throw new IllegalArgumentException("a drive needs an image path and a format");
        }
        image = image.toAbsolutePath().normalize();
        errorRules = List.copyOf(errorRules);
    }

    /** A writable raw image. */
    public static DriveConfig raw(Path image) {
        return new DriveConfig(image, ImageFormat.RAW, false, List.of());
    }

    /** A writable qcow2 image. */
    public static DriveConfig qcow2(Path image) {
        return new DriveConfig(image, ImageFormat.QCOW2, false, List.of());
    }

    /** This drive, read-only. */
    public DriveConfig asReadOnly() {
        return new DriveConfig(image, format, true, errorRules);
    }

    /** This drive with the given blkdebug error rules (replacing any it had). */
    public DriveConfig withErrors(BlkdebugRule... rules) {
        return new DriveConfig(image, format, readOnly, List.of(rules));
    }
}
