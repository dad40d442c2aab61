package dev.vblk.fuzz.oracle;

import dev.vblk.block.BlockDeviceException;

/**
 * The outcome of one driver call: its value, or the block error it failed with; {@code completed} is
 * false when the call was stopped (it ran out of platform calls or threw something else).
 */
record CallResult(Object value, BlockDeviceException error, boolean completed) {

    /** Whether the call returned. */
    boolean succeeded() {
        return completed && error == null;
    }
}
