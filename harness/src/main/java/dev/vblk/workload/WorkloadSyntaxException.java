package dev.vblk.workload;

/**
 * A workload text that does not follow the language. The message is one line naming the line and
 * column ({@code workload:3:7: ...}, both from 1) and what was expected there.
 */
public final class WorkloadSyntaxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String source;
    private final int line;
    private final int column;

    public WorkloadSyntaxException(String source, int line, int column, String problem) {
        super(source + ":" + line + ":" + column + ": " + problem);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    /** The name of the workload text (a file name, a preset's name or {@code workload}). */
    public String source() {
        return source;
    }

    /** The line of the problem, from 1. */
    public int line() {
        return line;
    }

    /** The column of the problem, from 1. */
    public int column() {
        return column;
    }
}
