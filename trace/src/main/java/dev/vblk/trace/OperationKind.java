package dev.vblk.trace;

import dev.vblk.block.RequestType;

/**
 * What an operation in a trace called: a block request (made synchronously, or submitted), device
 * discovery, a device reset, or taking the completions of submitted requests.
 */
public enum OperationKind {
    READ,
    WRITE,
    FLUSH,
    GET_ID,
    DISCARD,
    WRITE_ZEROES,
    /** Device initialisation: reset, feature negotiation and queue setup. */
    INIT,
    /** A scan of the board's MMIO window for devices. */
    DISCOVERY,
    /** A reset of one device after it failed. */
    RESET,
    /** Format 2: taking the completions that are ready, without waiting. */
    POLL,
    /** Format 2: waiting until at least one submitted request completes. */
    WAIT_ANY,
    /** Format 2: waiting until every one of the awaited submitted requests completes. */
    WAIT_ALL,
    /** Format 5: a secure erase of a range (VIRTIO_BLK_F_SECURE_ERASE). */
    SECURE_ERASE,
    /** Format 5: the device's wear report (VIRTIO_BLK_F_LIFETIME). */
    GET_LIFETIME,
    /** Format 5: a report of the zones from a sector on (VIRTIO_BLK_F_ZONED); its outcome the device's report. */
    ZONE_REPORT,
    /** Format 5: an explicit open of the zone starting at the operation's sector. */
    ZONE_OPEN,
    /** Format 5: a close of the zone starting at the operation's sector. */
    ZONE_CLOSE,
    /** Format 5: a finish of the zone starting at the operation's sector. */
    ZONE_FINISH,
    /** Format 5: a reset of the zone starting at the operation's sector. */
    ZONE_RESET,
    /** Format 5: a reset of every sequential zone. */
    ZONE_RESET_ALL,
    /** Format 5: an append to the zone starting at the operation's sector; its outcome the sector written, le64. */
    ZONE_APPEND,
    /**
     * Format 5: a reset of one request queue by itself (VIRTIO_F_RING_RESET); the operation's device
     * names the queue as a session does ({@code virtio-blk@0x0a003e00/queue-1}, the device itself for queue 0).
     */
    QUEUE_RESET;

    /** The operation kind of a block request type. */
    public static OperationKind of(RequestType type) {
        return valueOf(type.name());
    }

    /** Whether this kind is a zone command (VIRTIO_BLK_F_ZONED), made on a whole device's zoned side. */
    public boolean zoneCommand() {
        return compareTo(ZONE_REPORT) >= 0 && compareTo(ZONE_APPEND) <= 0;
    }

    /** Whether this kind takes completions of submitted requests. */
    public boolean takesCompletions() {
        return this == POLL || this == WAIT_ANY || this == WAIT_ALL;
    }
}
