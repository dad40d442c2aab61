package dev.vblk.cli;

/**
 * The exit statuses of every {@code vblk} command. {@link ErrorReporter} maps exceptions to them; a
 * command returns {@link #OK} or {@link #FOUND_PROBLEMS} itself.
 */
public final class ExitCodes {

    /** Success; for replay, the trace was reproduced; for diff, the traces' events are the same. */
    public static final int OK = 0;
    /** The command worked and found problems: a replay diverged, a fuzz campaign found failures, two traces differ. */
    public static final int FOUND_PROBLEMS = 1;
    /**
     * Bad usage, input or output: unknown option, missing file, unknown preset, workload syntax error, an
     * output that is an input or cannot be written.
     */
    public static final int BAD_INPUT = 2;
    /** A trace file that is not a trace, is damaged, cut short, newer than this vblk, or cannot be replayed. */
    public static final int BAD_TRACE = 3;
    /** QEMU or the machine could not be used: QEMU missing, failed to start, or discovery failed. */
    public static final int PLATFORM_UNAVAILABLE = 4;
    /** A fault in vblk itself. */
    public static final int INTERNAL_ERROR = 5;

    private ExitCodes() {}
}
