package dev.vblk.fake.blk;

import java.util.Optional;

/**
 * The device side of one ring layout over a {@link DeviceVirtqueue}'s registers: split
 * ({@link SplitRing}) or packed ({@link PackedRing}). It takes the chains the driver made
 * available, writes used entries and makes them visible, reads the driver's interrupt suppression
 * and asks for the next notification. Ring areas outside RAM and malformed chains throw
 * {@link MalformedQueueException}.
 */
interface RingEngine {

    /** Throws unless every ring area lies in RAM. */
    void checkRings();

    /** The next chain the driver made available, decoded by the shared decoder, or nothing. */
    Optional<Chain> next(boolean indirectAllowed);

    /** The device has answered {@code chain}: its buffer id may be made available again. */
    void release(Chain chain);

    /** Writes a used entry for {@code chain} carrying {@code id} and {@code len}, not yet visible. */
    void pushUsed(Chain chain, long id, long len);

    /**
     * Moves the used position past {@code chain} without writing its entry: a chain of a batch
     * completed in order (VIRTIO_F_IN_ORDER) whose used entry the batch's one entry stands for.
     */
    void skipChain(Chain chain);

    /**
     * Whether the ring in guest memory shows the driver's next chain going where {@code next} (bits 16
     * to 31 of VIRTIO_F_NOTIFICATION_DATA) says: the available index (split), or a ring position with
     * the wrap counter in bit 15 whose predecessor is available in its lap and which is not (packed).
     * Asked before the device takes the chains, so that they are as the driver left them.
     */
    boolean showsNextAvailable(int next);

    /** Moves the used position {@code positions} further without writing entries. */
    void skipUsed(int positions);

    /** Makes the used entries written since the last call visible to the driver. */
    void publish();

    /**
     * Whether the driver's interrupt suppression asks for an interrupt for the used entries
     * published last; with {@code ignoreSuppression} always yes (the engine still follows the
     * driver's state). Suppression flags the negotiated features forbid are a violation, answered
     * with an interrupt.
     */
    boolean wantsInterrupt(boolean eventIndex, boolean ignoreSuppression);

    /** Tells the driver to notify when it makes the next chain available (VIRTIO_F_EVENT_IDX). */
    void askForNotification();

    /** Tells {@code lie} about the used entries published last (see {@link UsedIndexLie} for each layout). */
    void lieAboutUsedIndex(UsedIndexLie lie);

    /** The id a {@link UsedIdLie} puts in {@code chain}'s used entry instead of its head. */
    long notAHead(Chain chain);

    /** The guest address of the 16-bit notification suppression field {@code field}. */
    long suppressionField(SuppressionLie.Field field);

    /** Forgets the ring positions (a device or queue reset). */
    void reset();
}
