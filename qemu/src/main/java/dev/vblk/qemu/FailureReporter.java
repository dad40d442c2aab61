package dev.vblk.qemu;

/** Turns a failed exchange with QEMU into an exception describing QEMU's state. */
@FunctionalInterface
interface FailureReporter {

    /**
     * @param what what went wrong, from the client's side
     * @param channelEnded whether QEMU closed the channel (so it has probably exited and its exit
     *     status is worth waiting for briefly)
     */
    QemuException describe(String what, boolean channelEnded);

    /** A reporter for a QEMU process. */
    static FailureReporter of(QemuProcess process) {
        return (what, ended) -> process.failure(what, ended ? 1000 : 0);
    }
}
