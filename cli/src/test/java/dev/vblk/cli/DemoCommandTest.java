package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk demo}, on the fake device and on QEMU. */
class DemoCommandTest {

    @TempDir
    Path directory;

    @Test
    void onTheFakeDeviceRecordsInspectsAndReplays() {
        Path out = directory.resolve("out");
        Cli.Result result = Cli.run("demo", "--fake", "--out", out.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        Path trace = out.resolve("demo.trace.avro");
        assertTrue(TraceReader.readComplete(trace).complete());
        assertTrue(result.out().contains("== record: workload 'standard' (25 steps) on the fake virtio-blk device"), result.out());
        assertTrue(result.out().contains("REPRODUCED"), result.out());
        assertTrue(result.out().contains("files        " + trace), result.out());
    }

    @Test
    void withoutQemuItSaysSoAndHowToInstallIt() {
        Path out = directory.resolve("out");
        Cli.Result result = Cli.run("demo", "--out", out.toString(), "--qemu", directory.resolve("none").toString());
        assertEquals(ExitCodes.PLATFORM_UNAVAILABLE, result.exitCode(), "a named QEMU that is missing is an error");
        assertTrue(result.err().contains("apt-get install -y qemu-system-arm qemu-utils"), result.err());
    }

    @Test
    @RequiresQemu
    void onQemuMakesAnImageAndRecordsOnTheRealDevice() {
        Path out = directory.resolve("out");
        Cli.Result result = Cli.run("demo", "--out", out.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(Files.isRegularFile(out.resolve("demo.img")));
        assertTrue(result.out().contains("on QEMU emulator version"), result.out());
        assertEquals("qemu", TraceReader.readComplete(out.resolve("demo.trace.avro")).metadata().platform().get("kind"));
    }
}
