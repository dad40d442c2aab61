package dev.vblk.qemu;

import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * One {@code [inject-error]} rule of QEMU's {@code blkdebug} block driver: an I/O error injected
 * below the virtio-blk device, so that QEMU's real device completes the request with
 * {@code VIRTIO_BLK_S_IOERR}.
 *
 * @param event the blkdebug event, such as {@code read_aio}, {@code write_aio} or
 *     {@code flush_to_disk} (QEMU's {@code BlkdebugEvent} names)
 * @param errno the error number the block layer reports (5 is EIO, 28 is ENOSPC)
 * @param sector the 512-byte sector the rule applies to, or empty for every access
 * @param once whether the rule fires only the first time
 */
public record BlkdebugRule(String event, int errno, OptionalLong sector, boolean once) {

    private static final Pattern EVENT = Pattern.compile("[a-z0-9_]+");

    /** Error number EIO. */
    public static final int EIO = 5;

    /** Validates the rule. */
    public BlkdebugRule {
        if (event == null || !EVENT.matcher(event).matches()) {
            throw new IllegalArgumentException("blkdebug event must be a lower-case name such as read_aio, not " + event);
        }
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive, not " + errno);
        }
        if (sector.isPresent() && sector.getAsLong() < 0) {
            throw new IllegalArgumentException("sector must not be negative, not " + sector.getAsLong());
        }
    }

    /** Every read touching {@code sector} fails with EIO. */
    public static BlkdebugRule readError(long sector) {
        return new BlkdebugRule("read_aio", EIO, OptionalLong.of(sector), false);
    }

    /** Every write touching {@code sector} fails with EIO. */
    public static BlkdebugRule writeError(long sector) {
        return new BlkdebugRule("write_aio", EIO, OptionalLong.of(sector), false);
    }

    /** Every flush to disk fails with EIO. */
    public static BlkdebugRule flushError() {
        return new BlkdebugRule("flush_to_disk", EIO, OptionalLong.empty(), false);
    }

    /** The rule as a section of a blkdebug configuration file. */
    String toConfigSection() {
        StringBuilder text = new StringBuilder("[inject-error]\n");
        text.append("event = \"").append(event).append("\"\n");
        text.append("errno = \"").append(errno).append("\"\n");
        sector.ifPresent(s -> text.append("sector = \"").append(s).append("\"\n"));
        text.append("once = \"").append(once ? "on" : "off").append("\"\n");
        return text.toString();
    }
}
