package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk export --qtest} without running QEMU: the script's lines and the command line. */
class ExportCommandTest {

    @TempDir
    Path directory;

    @Test
    void writesOneCommandPerDriverCallAndTheBlkdebugRules() throws Exception {
        Path script = directory.resolve("io.qtest");
        Path image = Files.write(directory.resolve("copy.img"), new byte[512]);
        Cli.Result result = Cli.run("export", "--qtest", Cli.golden("io-error").toString(), "-o", script.toString(),
                "--image", image.toString(), "--settle", "3");
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        List<String> lines = Files.readAllLines(script);
        List<TraceEvent> events = TraceReader.readComplete(Cli.golden("io-error")).events();
        long calls = events.stream().filter(e -> e instanceof TraceEvent.RegisterRead || e instanceof TraceEvent.RegisterWrite
                || e instanceof TraceEvent.MemoryRead || e instanceof TraceEvent.MemoryWrite
                || e instanceof TraceEvent.FrameAllocation).count();
        long notifies = lines.stream().filter(line -> line.matches("writel 0xa003e50 0x0")).count();
        assertEquals(7, notifies, "one QueueNotify per request");
        assertEquals(calls + 3 * notifies, lines.size());
        assertEquals(QtestScript.of(events, MmioWindow.QEMU_VIRT, 3).stream().map(QtestScript.Line::command).toList(), lines);
        assertTrue(lines.contains("readl 0xa000000"), "the scan's first MagicValue read");
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("writel 0xa003e50 0x0")) {
                // The used_event write the driver made after the notify goes before it; then the settle reads.
                assertTrue(lines.get(i - 1).startsWith("b64write 0x40001204 0x2 "), "before line " + (i + 1) + ": " + lines.get(i - 1));
                assertEquals(List.of("read 0x4000120a 0x2"), lines.subList(i + 1, i + 5).stream().distinct().toList());
            }
        }

        String machine = result.out().lines().filter(line -> line.startsWith("machine: ")).findFirst().orElseThrow();
        assertTrue(machine.contains("file.image.filename=" + image.toAbsolutePath()), machine);
        assertTrue(!machine.contains("-qmp"), machine);
        Path rules = directory.resolve("io.qtest.blkdebug-0.conf");
        assertTrue(machine.contains("file.config=" + rules.toAbsolutePath()), machine);
        assertEquals("[inject-error]\nevent = \"read_aio\"\nerrno = \"5\"\nsector = \"9\"\nonce = \"off\"\n",
                Files.readString(rules));
    }

    @Test
    void withoutAnOutputFileTheScriptGoesToStandardOutput() {
        Cli.Result result = Cli.run("export", "--qtest", Cli.golden("discovery").toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.err());
        assertTrue(result.out().startsWith("readl 0xa000000\n"), result.out().substring(0, 40));
        assertTrue(result.err().startsWith("machine: /"), result.err());
    }

    @Test
    void aFakeRecordingCannotBeExported() {
        Path trace = directory.resolve("fake.trace.avro");
        assertEquals(ExitCodes.OK, Cli.run("record", "--fake", "--preset", "discovery", "-o", trace.toString()).exitCode());
        Cli.Result result = Cli.run("export", "--qtest", trace.toString());
        assertEquals(ExitCodes.BAD_TRACE, result.exitCode());
        assertTrue(result.err().contains("was recorded on the fake platform, not QEMU"), result.err());
    }

    @Test
    void moreImagesThanDrivesIsBadInput() throws Exception {
        Path image = Files.write(directory.resolve("a.img"), new byte[512]);
        Cli.Result result = Cli.run("export", "--qtest", Cli.golden("known-sectors").toString(), "--image", image.toString(),
                "--image", image.toString());
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("2 --image options for the 1 drive(s)"), result.err());
    }

    @Test
    void theFormatMustBeNamed() {
        Cli.Result result = Cli.run("export", Cli.golden("known-sectors").toString());
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().contains("--qtest"), result.err());
    }
}
