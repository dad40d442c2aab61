package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.harness.SignedImages;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
        assertScriptReproducesReads("known-sectors");
    }

    @Test
    void blkdebugRulesAreWrittenAgainSoTheFailingReadFailsAgain() throws Exception {
        assertScriptReproducesReads("io-error");
    }

    private void assertScriptReproducesReads(String name) throws Exception {
        Path image = SignedImages.raw(directory, name + ".img", 2048);
        Path script = directory.resolve(name + ".qtest");
        Path trace = Cli.golden(name);
        Cli.Result result = Cli.run("export", "--qtest", trace.toString(), "-o", script.toString(), "--image", image.toString());
        assertEquals(0, result.exitCode(), result.toString());
        String machine = result.out().lines().filter(line -> line.startsWith("machine: ")).findFirst().orElseThrow();
        List<String> command = List.of(machine.substring("machine: ".length()).split(" "));
        assertTrue(result.out().contains("done < " + script + " > " + script + ".replies"), result.out());

        List<String> commands = Files.readAllLines(script);
        List<String> replies = run(command, commands);
        assertEquals(commands.size(), replies.size(), "one reply per command");
        for (int i = 0; i < replies.size(); i++) {
            assertTrue(replies.get(i).startsWith("OK"), "line " + (i + 1) + " '" + commands.get(i) + "' got " + replies.get(i));
        }

        Trace recorded = TraceReader.readComplete(trace);
        List<QtestScript.Line> scriptLines = QtestScript.of(recorded.events(), dev.vblk.discovery.MmioWindow.QEMU_VIRT,
                QtestScript.DEFAULT_SETTLE);
        assertEquals(commands.size(), scriptLines.size());
        // Every memory read but the polls of the used ring's 16-bit index: how many of those found the
        // request still in flight depends on when QEMU's I/O thread finished it, in the recording and here.
        int reads = 0;
        for (int i = 0; i < scriptLines.size(); i++) {
            if (!scriptLines.get(i).settle()
                    && recorded.events().get(scriptLines.get(i).eventIndex()) instanceof TraceEvent.MemoryRead read
                    && read.length() != 2) {
                reads++;
                String expected = "OK 0x" + HexFormat.of().formatHex(read.data());
                assertEquals(expected, replies.get(i), "reply to line " + (i + 1) + " '" + commands.get(i) + "'");
            }
        }
        assertTrue(reads > 10, "the trace's memory reads are checked: " + reads);
    }

    /** Runs QEMU on the script, one line at a time: each line is sent when the previous one has its reply. */
    private static List<String> run(List<String> command, List<String> script) throws Exception {
        Process qemu = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> replies = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(qemu.getInputStream(), StandardCharsets.UTF_8));
                Writer writer = new OutputStreamWriter(qemu.getOutputStream(), StandardCharsets.UTF_8)) {
            for (String line : script) {
                writer.write(line + "\n");
                writer.flush();
                String reply = reader.readLine();
                if (reply == null) {
                    break;
                }
                replies.add(reply);
            }
        } finally {
            qemu.destroy();
            if (!qemu.waitFor(10, TimeUnit.SECONDS)) {
                qemu.destroyForcibly();
            }
        }
        return replies;
    }
}
