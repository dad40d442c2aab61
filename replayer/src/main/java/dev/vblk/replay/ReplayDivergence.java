package dev.vblk.replay;

import dev.vblk.platform.PlatformException;

/**
 * The driver did something its trace cannot answer: another call than the one recorded, a call after
 * the trace ends, or (in relaxed replay) a request the recorded device never answered.
 *
 * <p>It is a {@link PlatformException}, so the driver turns it into
 * {@link dev.vblk.block.ErrorKind#PLATFORM_ERROR} like any failing platform; the platform that threw
 * it keeps it too, so the replayer reports the divergence itself and not the driver's wrapping.
 */
public final class ReplayDivergence extends PlatformException {

    private static final long serialVersionUID = 1L;

    private final transient DivergenceReport report;

    public ReplayDivergence(DivergenceReport report) {
        super("replay diverged: " + report.headline());
        this.report = report;
    }

    /** The full report. */
    public DivergenceReport report() {
        return report;
    }
}
