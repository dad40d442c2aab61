package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk diff} between golden traces and changed copies. */
class DiffCommandTest {

    @TempDir
    Path directory;

    @Test
    void aTraceEqualsItself() {
        String file = Cli.golden("format-1/io-error").toString();
        Cli.Result result = Cli.run("diff", file, file);
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertEquals("the traces' 298 events are the same\n", result.out());
    }

    @Test
    void namesTheFirstChangedEventWithContextAndTheDifferingOperation() {
        Traces.Changed changed = Traces.withChangedSector("known-sectors", directory.resolve("changed.trace.avro"));
        Cli.Result result = Cli.run("diff", "--context", "3", Cli.golden("known-sectors").toString(), changed.file().toString());
        assertEquals(ExitCodes.FOUND_PROBLEMS, result.exitCode(), result.toString());
        int at = changed.eventIndex();
        assertTrue(result.out().contains("first difference at event " + at + " (after " + at + " equal events)"), result.out());
        assertTrue(result.out().contains(String.format("  %6d  ", at - 1)), "context before it:\n" + result.out());
        assertTrue(!result.out().contains(String.format("  %6d  ", at - 4)), "only 3 events of context:\n" + result.out());
        assertTrue(result.out().contains("the 8 operations and their outcomes are the same"),
                "the recorded outcomes were not changed, only the device's data:\n" + result.out());
        List<String> lines = result.out().lines().toList();
        int a = lines.indexOf(lines.stream().filter(line -> line.startsWith(String.format("A %6d  ", at))).findFirst().orElseThrow());
        assertEquals(lines.get(a).substring(1), lines.get(a + 1).substring(1),
                "the byte changed is past the 16 the lines preview, so A and B read the same");
        byte original = ((TraceEvent.MemoryRead) TraceReader.readComplete(Cli.golden("known-sectors")).events().get(at)).data()[100];
        assertEquals(String.format("          data first differs at byte 100: A %02x, B %02x", original, original ^ 0x40),
                lines.get(a + 2));
    }

    @Test
    void differentWorkloadsDifferInCountsAndOperations() {
        Cli.Result result = Cli.run("diff", Cli.golden("known-sectors").toString(), Cli.golden("write-read").toString());
        assertEquals(ExitCodes.FOUND_PROBLEMS, result.exitCode());
        assertTrue(result.out().contains("metadata workload: "), result.out());
        assertTrue(result.out().contains("operations that differ"), result.out());
        assertTrue(result.out().lines().anyMatch(line -> line.startsWith("OperationBegin") && line.endsWith("8")),
                result.out());
    }
}
