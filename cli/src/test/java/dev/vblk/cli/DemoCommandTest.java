package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.trace.TraceEvent;
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

    /**
     * One count, one meaning: the record, inspect, replay and summary sections of the demo count the
     * operations the trace marks (the discovery, each call, each wait), as {@code vblk inspect} does.
     */
    @Test
    void everySectionCountsTheOperationsTheTraceMarks() {
        Path out = directory.resolve("out");
        Cli.Result result = Cli.run("demo", "--fake", "--out", out.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        Path trace = out.resolve("demo.trace.avro");
        long marked = TraceReader.readComplete(trace).events().stream().filter(TraceEvent.OperationBegin.class::isInstance)
                .count();
        String text = result.out();
        assertTrue(text.contains("\n" + marked + " operations (0 failed), "), text);
        String inspectSection = text.substring(text.indexOf("== inspect"), text.indexOf("events by kind"));
        assertEquals(marked, inspectSection.lines().filter(line -> line.startsWith("operation ")).count(), inspectSection);
        assertTrue(text.contains("(" + marked + " of " + marked + " operations"), text);
        assertTrue(text.contains("recorded     " + marked + " operations (0 failed)"), text);
        assertTrue(text.contains("replayed     REPRODUCED: " + marked + " of " + marked + " operations"), text);
        Cli.Result inspect = Cli.run("inspect", "--summary", trace.toString());
        assertEquals(marked, inspect.out().lines().filter(line -> line.startsWith("  operation ")).count(), inspect.out());
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
