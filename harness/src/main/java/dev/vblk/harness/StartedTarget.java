package dev.vblk.harness;

import dev.vblk.platform.Platform;
import java.util.SortedMap;

/** A running target: the platform the driver is given and what a trace says about it. */
public interface StartedTarget extends AutoCloseable {

    /** The platform, not yet recorded. */
    Platform platform();

    /** The trace's platform metadata: {@code kind} and the machine's configuration. */
    SortedMap<String, String> platformMetadata();

    /** Stops the machine. */
    @Override
    void close();
}
