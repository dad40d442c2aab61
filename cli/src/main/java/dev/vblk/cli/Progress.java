package dev.vblk.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar on the terminal's standard error for work that takes more than a few seconds, drawn
 * only when vblk runs on a console: redirected output and tests get none, and nothing else changes.
 */
final class Progress implements AutoCloseable {

    private final ProgressBar bar;

    private Progress(ProgressBar bar) {
        this.bar = bar;
    }

    /**
     * Starts a bar for {@code total} units of work, or an invisible one when {@code show} is false.
     *
     * @param total the amount of work, or -1 when unknown
     */
    static Progress start(boolean show, String task, long total, String unit) {
        if (!show) {
            return new Progress(null);
        }
        ProgressBar bar = new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setUnit(" " + unit, 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .continuousUpdate()
                .clearDisplayOnFinish()
                .build();
        return new Progress(bar);
    }

    /** Marks {@code done} units done. */
    void stepTo(long done) {
        if (bar != null) {
            bar.stepTo(done);
        }
    }

    /** Adds one unit done. */
    void step() {
        if (bar != null) {
            bar.step();
        }
    }

    /** A short note shown after the bar, such as the number of failures so far. */
    void note(String text) {
        if (bar != null) {
            bar.setExtraMessage(text);
        }
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
