package dev.vblk.replay;

import dev.vblk.trace.TraceFormatException;
import java.util.regex.Pattern;

/**
 * What is wrong with a trace file that cannot be read, told in the file's terms: where it is cut
 * or damaged and how many events are intact, never the name of a Java class or reading mode. The
 * replay's verdicts and the command line's errors both say it this way.
 */
public final class TraceProblem {

    /** A Java exception's class name as {@code Throwable.toString()} puts it before its message. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*(?:Exception|Error): ");

    private TraceProblem() {}

    /** The problem {@code failure} (reading a trace, or anything whose message may name a Java class) reports. */
    public static String describe(RuntimeException failure) {
        if (failure instanceof TraceFormatException format && format.reason() == TraceFormatException.Reason.TRUNCATED) {
            String at = format.byteOffset().isPresent() ? " at byte " + format.byteOffset().getAsLong() : "";
            long intact = format.readableEvents().orElse(0);
            return intact == 0
                    ? "trace is cut short" + at + ", before its first checkpoint: none of its events is intact"
                    : "trace is cut short" + at + " (no end marker); its first " + intact + " events are intact";
        }
        return plain(String.valueOf(failure.getMessage()));
    }

    /** {@code text} without the Java class names of the exceptions it quotes. */
    public static String plain(String text) {
        return CLASS_NAME.matcher(text).replaceAll("");
    }
}
