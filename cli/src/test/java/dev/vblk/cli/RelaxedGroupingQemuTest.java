package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.harness.SignedImages;
import dev.vblk.qemu.junit.RequiresQemu;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workloads that submit several requests and take their completions by waits for any, polls and
 * waits for all, recorded on QEMU again and again (QEMU's I/O thread groups the completions as its
 * timing falls): each recording replays relaxed, whatever grouping the fake device makes.
 */
@RequiresQemu
class RelaxedGroupingQemuTest {

    private static final String WORKLOAD = String.join("\n",
            "submit read 0 1024",
            "submit read 1024 8",
            "submit write 1900 8 byte=0x07",
            "submit read 8 1024",
            "wait any",
            "poll",
            "submit read 16 8",
            "wait any",
            "wait any",
            "poll",
            "wait",
            "");

    @TempDir
    Path directory;

    @Test
    void everyRecordingOfSubmitsAndWaitsReplaysRelaxed() throws Exception {
        Path image = SignedImages.raw(directory, "disk.img", 4096);
        Path workload = Files.writeString(directory.resolve("grouped.workload"), WORKLOAD);
        for (int run = 0; run < 6; run++) {
            Path trace = directory.resolve("grouped-" + run + ".trace.avro");
            Cli.Result recorded = Cli.run("record", image.toString(), "--workload", workload.toString(), "-o", trace.toString());
            assertEquals(ExitCodes.OK, recorded.exitCode(), recorded.toString());

            Cli.Result relaxed = Cli.run("replay", "--relaxed", trace.toString());
            assertEquals(ExitCodes.OK, relaxed.exitCode(), "recording " + run + ": " + relaxed);
            assertTrue(relaxed.out().contains("REPRODUCED"), relaxed.toString());
        }
    }
}
