package dev.vblk.fuzz.oracle;

import dev.vblk.virtio.blk.DriverOptions;

/**
 * {@link Invariant#MEMORY_RELEASED}: right after a successful initialisation the driver holds at most
 * the frames of its queues and their buffer pools; after a successful call or batch it holds exactly
 * what it held before, unless it reset a queue alone (then again at most its queues' frames).
 */
final class MemoryCheck {

    /** The most frames a driver's queue of at most 256 entries occupies: one per part when scattered. */
    static final int QUEUE_FRAMES = 3;

    private final RunState run;
    private int framesAfterInit;

    MemoryCheck(RunState run) {
        this.run = run;
    }

    /**
     * The most frames the driver's request buffer pool may hold under {@code options}: one buffer per
     * request in flight, each the largest transfer, its header and status, and an indirect table of a
     * full queue's descriptors.
     */
    static int poolFrames(DriverOptions options) {
        return options.pooledBuffers()
                ? options.maxInFlight() * ((options.maxRequestBytes() + 48 + 16 * 258 + 4095) / 4096) : 0;
    }

    /** After a successful initialisation: notes what the driver holds and checks it against its queues. */
    void afterInitialisation(Where where) {
        noteHeld(where, "initialisation");
    }

    /**
     * After a call or batch in which the driver reset a queue alone, whatever its outcome: the queue has
     * a fresh ring (scattered or not as the allocator allows), so what the driver holds is noted anew
     * and checked against its queues.
     */
    void afterQueueReset(Where where) {
        noteHeld(where, "a queue reset");
    }

    /**
     * Notes what the driver holds after {@code what} set up rings afresh and checks it against its
     * queues.
     */
    private void noteHeld(Where where, String what) {
        framesAfterInit = run.platform.allocatedFrames();
        int poolFrames = poolFrames(run.options);
        int queues = run.driver.queueCount();
        if (framesAfterInit > queues * (QUEUE_FRAMES + poolFrames)) {
            run.findings.add(Invariant.MEMORY_RELEASED, where, "holds " + framesAfterInit + " frames right after "
                    + what + "; each of its " + queues + " queue(s) of at most 256 entries needs " + QUEUE_FRAMES
                    + " and its buffer pool at most " + poolFrames);
        }
    }

    /**
     * After a successful call or batch ({@code what}) without a queue reset: the driver holds what it
     * held after initialisation or the last queue reset.
     */
    void afterCall(Where where, String what) {
        if (run.platform.allocatedFrames() != framesAfterInit) {
            run.findings.add(Invariant.MEMORY_RELEASED, where, "holds " + run.platform.allocatedFrames() + " frames after the "
                    + what + ", " + framesAfterInit + " before it");
        }
    }
}
