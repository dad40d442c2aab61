package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.harness.SignedImages;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Exported qtest scripts run by QEMU itself. */
@RequiresQemu
class ExportCommandQemuTest {

    @TempDir
    Path directory;

    @Test
    void qemuAcceptsEveryLineAndAnswersTheReadsWithTheRecordedData() throws Exception {
        assertScriptReproducesReads("known-sectors", QtestScript.DEFAULT_SETTLE);
    }

    @Test
    void blkdebugRulesAreWrittenAgainSoTheFailingReadFailsAgain() throws Exception {
        assertScriptReproducesReads("io-error", QtestScript.DEFAULT_SETTLE);
    }

    @Test
    void afterAFlushTheInterruptStatusReadsAnswerAsRecorded() throws Exception {
        // A flush waits for the image to reach the disk: more settle reads give it the time, on a
        // machine busy with other work too (5,000 were too few there).
        assertScriptReproducesReads("multi-sector-flush", 40000);
    }

    /**
     * Exports the golden trace {@code name}, runs the printed command on QEMU and compares the replies
     * with the trace: every register read and every memory read but the polls of the used ring's index.
     * The printed command must end QEMU.
     */
    private void assertScriptReproducesReads(String name, int settle) throws Exception {
        Path image = SignedImages.raw(directory, name + ".img", 2048);
        Path script = directory.resolve(name + ".qtest");
        Path trace = Cli.golden(name);
        Cli.Result result = Cli.run("export", "--qtest", trace.toString(), "-o", script.toString(), "--image", image.toString(),
                "--settle", Integer.toString(settle));
        assertEquals(0, result.exitCode(), result.toString());
        String run = result.out().lines().filter(line -> line.startsWith("  coproc ")).findFirst().orElseThrow().strip();
        assertTrue(run.contains("done < " + script + " > " + script + ".replies"), result.out());

        List<String> commands = Files.readAllLines(script);
        List<String> replies = run(run, image);
        assertEquals(commands.size(), replies.size(), "one reply per command");
        for (int i = 0; i < replies.size(); i++) {
            assertTrue(replies.get(i).startsWith("OK"), "line " + (i + 1) + " '" + commands.get(i) + "' got " + replies.get(i));
        }

        Trace recorded = TraceReader.readComplete(trace);
        List<QtestScript.Line> scriptLines = QtestScript.of(recorded.events(), dev.vblk.discovery.MmioWindow.QEMU_VIRT, settle);
        assertEquals(commands.size(), scriptLines.size());
        // Every memory read but the polls of the used ring's 16-bit index: how many of those found the
        // request still in flight depends on when QEMU's I/O thread finished it, in the recording and here.
        int reads = 0;
        int registerReads = 0;
        for (int i = 0; i < scriptLines.size(); i++) {
            if (scriptLines.get(i).settle()) {
                continue;
            }
            TraceEvent event = recorded.events().get(scriptLines.get(i).eventIndex());
            if (event instanceof TraceEvent.MemoryRead read && read.length() != 2) {
                reads++;
                String expected = "OK 0x" + HexFormat.of().formatHex(read.data());
                assertEquals(expected, replies.get(i), "reply to line " + (i + 1) + " '" + commands.get(i) + "'");
            } else if (event instanceof TraceEvent.RegisterRead read) {
                registerReads++;
                assertEquals(String.format("OK 0x%016x", read.value()), replies.get(i),
                        "reply to line " + (i + 1) + " '" + commands.get(i) + "'");
            }
        }
        assertTrue(reads > 10, "the trace's memory reads are checked: " + reads);
        assertTrue(registerReads > 10, "the trace's register reads are checked: " + registerReads);
    }

    /**
     * Runs the printed command with bash and returns the replies it wrote; fails if a QEMU on
     * {@code image} is still running afterwards (and ends it).
     */
    private static List<String> run(String command, Path image) throws Exception {
        // To a file, not a pipe: a QEMU left running would hold a pipe open.
        Path output = image.resolveSibling("run.out");
        Process bash = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        assertTrue(bash.waitFor(60, TimeUnit.SECONDS), "the printed command ends");
        assertEquals(0, bash.exitValue(), Files.readString(output));
        List<ProcessHandle> left = List.of();
        for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10); System.nanoTime() < deadline; Thread.sleep(100)) {
            left = ProcessHandle.allProcesses()
                    .filter(process -> process.info().commandLine().orElse("").contains(image.toString())).toList();
            if (left.isEmpty()) {
                break;
            }
        }
        List<String> leftCommands = left.stream().map(process -> process.info().commandLine().orElse("")).toList();
        left.forEach(ProcessHandle::destroyForcibly);
        assertEquals(List.of(), leftCommands, "QEMU still running after the printed command");
        String replies = command.substring(command.indexOf(" > ") + 3, command.indexOf("; kill"));
        return Files.readAllLines(Path.of(replies));
    }
}
