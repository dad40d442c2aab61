package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.harness.SignedImages;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.trace.TraceReader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk record} on QEMU with blkdebug errors. */
@RequiresQemu
class RecordCommandQemuTest {

    @TempDir
    Path directory;

    @Test
    void errorOptionMakesTheRealDeviceFailReadsOfThatSector() {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        Path trace = directory.resolve("io.trace.avro");
        Cli.Result result = Cli.run("record", image.toString(), "--preset", "io-error", "--error", "read:9", "-o",
                trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("step 1 'read 9 1' failed: IO_ERROR: "), result.out());
        assertTrue(result.out().contains("step 5 'read 8 4' failed: IO_ERROR: "), result.out());
        assertTrue(result.out().contains("8 operations (2 failed)"), result.out());
        assertEquals("read_aio errno=5 sector=9 once=false",
                TraceReader.readComplete(trace).metadata().platform().get("drive.0.blkdebug"));
        assertEquals(ExitCodes.OK, Cli.run("replay", trace.toString()).exitCode(), "the new recording replays");
    }
}
