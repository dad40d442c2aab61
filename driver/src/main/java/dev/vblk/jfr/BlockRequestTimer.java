package dev.vblk.jfr;

import dev.vblk.block.BlockDeviceException;
import java.util.function.Supplier;

/** Times one call on a device as a {@link BlockRequestEvent}, its outcome OK or the error kind it ended with. */
final class BlockRequestTimer {

    private BlockRequestTimer() {}

    /** Times {@code call}, which returns nothing. */
    static void timed(String device, String operation, long sector, long bytes, Runnable call) {
        timed(device, operation, sector, bytes, () -> {
            call.run();
            return null;
        });
    }

    /** Times {@code call} and returns what it returns. */
    static <T> T timed(String device, String operation, long sector, long bytes, Supplier<T> call) {
        BlockRequestEvent event = new BlockRequestEvent();
        event.begin();
        String outcome = "OK";
        try {
            return call.get();
        } catch (BlockDeviceException e) {
            outcome = e.kind().name();
            throw e;
        } finally {
            event.end();
            if (event.shouldCommit()) {
                event.device = device;
                event.operation = operation;
                event.sector = sector;
                event.bytes = bytes;
                event.outcome = outcome;
                event.commit();
            }
        }
    }
}
