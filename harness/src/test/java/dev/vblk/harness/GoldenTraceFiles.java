package dev.vblk.harness;

import java.nio.file.Path;

/** Where the tests find the checked-in golden traces: the {@code vblk.traces} system property. */
final class GoldenTraceFiles {

    private GoldenTraceFiles() {}

    static Path directory() {
        String property = System.getProperty("vblk.traces");
        if (property == null) {
            throw new IllegalStateException("system property vblk.traces (the traces/ directory) is not set; "
                    + "run the tests through Maven");
        }
        return Path.of(property);
    }
}
