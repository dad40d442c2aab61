package dev.vblk.replay;

import dev.vblk.platform.PlatformException;

/**
 * The platform failure a trace recorded (for example the QEMU process died), raised again at the
 * same call, so the driver handles it as it did while recording.
 */
public final class ReplayedPlatformFailure extends PlatformException {

    private static final long serialVersionUID = 1L;

    private final String recordedKind;

    /**
     * @param recordedKind the error kind the trace recorded for the failed operation
     * @param recordedMessage the message it recorded
     */
    public ReplayedPlatformFailure(String recordedKind, String recordedMessage) {
        super("the recorded platform failed here: " + recordedMessage);
        this.recordedKind = recordedKind;
    }

    /** The error kind the trace recorded: {@code PLATFORM_ERROR} or the exception class that escaped. */
    public String recordedKind() {
        return recordedKind;
    }
}
