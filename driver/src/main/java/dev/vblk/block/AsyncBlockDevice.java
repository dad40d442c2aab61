package dev.vblk.block;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;

/**
 * A block device that keeps many requests in flight: each call submits a request and returns its
 * handle at once; completions are taken by {@link #poll()} or by waiting with a time budget on the
 * platform's clock. {@link BlockingBlockDevice} gives the synchronous {@link BlockDevice} calls over it.
 *
 * <p>A buffer passed to a submission belongs to the device until the request's completion has been
 * delivered (or the device has been reset): the caller must not touch it before. Submissions are made
 * known to the device together, at the next poll or wait, so a batch costs one notification.
 *
 * <p>Argument errors (buffers that are not whole sectors, ranges past the capacity, writes to a
 * read-only device, calls the device does not offer) and a device made unusable by an earlier error
 * are thrown by the submission as {@link BlockDeviceException}s; everything the device does is
 * delivered in completions. Implementations say whether they take concurrent callers (the
 * virtio-blk driver's queues do, one call at a time each).
 */
public interface AsyncBlockDevice {

    /** A time budget that never runs out: wait until the condition holds or requests time out. */
    long NO_TIME_BUDGET = Long.MAX_VALUE;

    /** Identifies this device. */
    BlockDeviceId id();

    /** Geometry and capabilities, as negotiated with the device. */
    BlockDeviceInfo info();

    /** Submits a read of {@code buffer.length / 512} sectors from {@code sector} into {@code buffer}. */
    RequestHandle submitRead(long sector, byte[] buffer);

    /** Submits a write of {@code data.length / 512} sectors from {@code sector}. */
    RequestHandle submitWrite(long sector, byte[] data);

    /** Submits a flush of every write completed before it (nothing to do without a volatile cache). */
    RequestHandle submitFlush();

    /** Submits a discard of {@code sectorCount} sectors from {@code sector}. */
    RequestHandle submitDiscard(long sector, long sectorCount);

    /** Submits a write of zeroes to {@code sectorCount} sectors from {@code sector}. */
    RequestHandle submitWriteZeroes(long sector, long sectorCount);

    /** Submits a secure erase of {@code sectorCount} sectors from {@code sector}. */
    RequestHandle submitSecureErase(long sector, long sectorCount);

    /** The size of the buffer {@link #submitGetLifetime} fills. */
    int LIFETIME_BYTES = 6;

    /** Submits a read of the wear report into {@code buffer} ({@link #LIFETIME_BYTES}; {@link BlockLifetime#of}). */
    RequestHandle submitGetLifetime(byte[] buffer);

    /** The size of the buffer {@link #submitGetId} fills. */
    int ID_BYTES = 20;

    /** Submits a read of the identification string into {@code buffer} ({@link #ID_BYTES}, NUL-padded). */
    RequestHandle submitGetId(byte[] buffer);

    /** The identification string a GET_ID buffer holds: its ASCII bytes up to the first NUL. */
    static String idString(byte[] buffer) {
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, StandardCharsets.US_ASCII);
    }

    /** Delivers every completion that is ready, without waiting. */
    List<Completion> poll();

    /**
     * Waits until at least one submitted request completes (or nothing is in flight, or the budget
     * runs out) and delivers every completion that is ready.
     */
    List<Completion> awaitAny(long budgetNanos);

    /**
     * Waits until every request in {@code handles} has completed (or the budget runs out) and
     * delivers their completions; completions of other requests wait for a later call.
     */
    List<Completion> awaitAll(Collection<RequestHandle> handles, long budgetNanos);

    /** Requests submitted whose completion has not been delivered. */
    int outstanding();
}
