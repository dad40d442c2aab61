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
 * @param options further {@code KEY=VALUE} items of its {@code -drive} option, such as {@code cache=none}
 *     or {@code aio=threads}; not the items vblk sets itself ({@link #OWN_KEYS})
 */
public record DriveConfig(Path image, ImageFormat format, boolean readOnly, List<BlkdebugRule> errorRules,
        List<String> options) {

    /** The {@code -drive} keys vblk sets from the other fields. */
    public static final List<String> OWN_KEYS = List.of("file", "format", "driver", "if", "id", "readonly");

    /** Validates and copies the drive description. */
    public DriveConfig {
        if (image == null || format == null) {
            throw new IllegalArgumentException("a drive needs an image path and a format");
        }
        image = image.toAbsolutePath().normalize();
        errorRules = List.copyOf(errorRules);
        options = List.copyOf(options);
        for (String option : options) {
            int equals = option.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("a drive option is KEY=VALUE, not '" + option + "'");
            }
            if (OWN_KEYS.contains(option.substring(0, equals))) {
                throw new IllegalArgumentException("drive option " + option + " cannot be used: vblk sets "
                        + option.substring(0, equals) + "= itself");
            }
        }
    }

    /** A writable raw image. */
    public static DriveConfig raw(Path image) {
        return new DriveConfig(image, ImageFormat.RAW, false, List.of(), List.of());
    }

    /** A writable qcow2 image. */
    public static DriveConfig qcow2(Path image) {
        return new DriveConfig(image, ImageFormat.QCOW2, false, List.of(), List.of());
    }

    /** This drive, read-only. */
    public DriveConfig asReadOnly() {
        return new DriveConfig(image, format, true, errorRules, options);
    }

    /** This drive with the given blkdebug error rules (replacing any it had). */
    public DriveConfig withErrors(BlkdebugRule... rules) {
        return new DriveConfig(image, format, readOnly, List.of(rules), options);
    }

    /** This drive with these further {@code -drive} items (replacing any it had). */
    public DriveConfig withOptions(List<String> items) {
        return new DriveConfig(image, format, readOnly, errorRules, items);
    }
}
