package dev.vblk.fuzz.oracle;

import dev.vblk.block.ErrorKind;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@link Invariant#FATAL_STICKY}: after a call fails with a fatal error kind (and after a failed
 * reset), every call fails with that kind until a reset succeeds. Keeps the fatal kind in force; the
 * scenario oracle and the trace oracle both judge with it.
 */
public final class FatalStickyCheck {

    /** Error kinds after which the driver must refuse every call until reset. */
    public static final Set<ErrorKind> FATAL = EnumSet.of(ErrorKind.TIMEOUT, ErrorKind.PROTOCOL_VIOLATION,
            ErrorKind.FLUSH_FAILED, ErrorKind.DEVICE_NEEDS_RESET, ErrorKind.PLATFORM_ERROR);

    /** Fatal error kinds that end every request the device holds, not only the request that met them. */
    static final Set<ErrorKind> RING_WIDE = EnumSet.of(ErrorKind.PROTOCOL_VIOLATION, ErrorKind.DEVICE_NEEDS_RESET,
            ErrorKind.PLATFORM_ERROR);

    private final Findings findings;
    private ErrorKind sticky;

    /** A check with no fatal error in force, noting into {@code findings}. */
    public FatalStickyCheck(Findings findings) {
        this.findings = findings;
    }

    /** The fatal error kind in force, or null. */
    public ErrorKind current() {
        return sticky;
    }

    /** An initialisation succeeded: no fatal error is in force. */
    public void reset() {
        sticky = null;
    }

    /** A reset failed with {@code kind}: every call until the next successful one must fail with it. */
    public void resetFailed(ErrorKind kind) {
        sticky = kind;
    }

    /**
     * Judges a call made while the fatal error {@code stickyAtCall} was in force: it must fail, with
     * that kind. {@code failedWith} is null when the call succeeded; {@code message} says why it failed,
     * asked only for a finding.
     */
    public void checkRefused(Where where, ErrorKind stickyAtCall, ErrorKind failedWith, Supplier<String> message) {
        if (failedWith == null) {
            findings.add(Invariant.FATAL_STICKY, where, "succeeded after a fatal " + stickyAtCall + " without a reset");
        } else if (failedWith != stickyAtCall) {
            findings.add(Invariant.FATAL_STICKY, where, "failed with " + failedWith + " after a fatal "
                    + stickyAtCall + " without a reset: " + message.get());
        }
    }

    /**
     * A call failed with {@code kind}: if that is fatal and no fatal error is in force yet, {@code
     * reported} (the driver's {@code fatalError()}, the first fatal error in time, which with several
     * requests in flight may be another request's) is from now on.
     */
    public void failed(ErrorKind kind, ErrorKind reported) {
        if (sticky == null && FATAL.contains(kind)) {
            sticky = reported;
        }
    }

    /**
     * After a call: the driver's {@code fatalError()} must say the fatal error in force. One found
     * after the call's requests completed (a config interrupt handled after the last completion)
     * leaves the call's outcome standing and is in force from now on.
     */
    void checkReported(Where where, ErrorKind reported) {
        if (sticky == null && reported != null && FATAL.contains(reported)) {
            sticky = reported;
            return;
        }
        if (reported != sticky) {
            findings.add(Invariant.FATAL_STICKY, where, "fatalError() says " + reported + ", the calls say " + sticky);
        }
    }

    /** A call of a batch failed with a fatal kind: the driver's {@code fatalError()} must not be empty. */
    void checkBatchCall(Where where, CallResult result, boolean fatalErrorEmpty) {
        if (!result.succeeded() && FATAL.contains(result.error().kind()) && fatalErrorEmpty) {
            findings.add(Invariant.FATAL_STICKY, where, "failed with " + result.error().kind()
                    + " but fatalError() is empty");
        }
    }
}
