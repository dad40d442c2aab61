package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Errors say what is wrong on one line in the user's terms, never in Java's, on standard error. */
class ErrorMessagesTest {

    /** A Java class or reading mode: what a message must not name. */
    private static final Pattern JAVA = Pattern.compile("java\\.|org\\.apache|Exception|Mode\\.|VALID_PREFIX");

    @TempDir
    Path directory;

    /** Every command that reads a trace, on damage anywhere in a trace's blocks. */
    @ParameterizedTest
    @ValueSource(strings = {"inspect", "replay", "diff", "extract", "fuzz"})
    void aDamagedTraceIsNamedInItsOwnTerms(String command) throws Exception {
        byte[] whole = Files.readAllBytes(Cli.golden("depth-32"));
        int refused = 0;
        for (int at = 2000; at < whole.length - 100; at += 1499) {
            byte[] damaged = whole.clone();
            damaged[at] ^= (byte) 0xff;
            damaged[at + 1] ^= (byte) 0x5a;
            Path file = Files.write(directory.resolve("damaged.trace.avro"), damaged);
            Cli.Result result = switch (command) {
                case "diff" -> Cli.run("diff", file.toString(), Cli.golden("depth-32").toString());
                case "extract" -> Cli.run("extract", file.toString(), "-o", directory.resolve("out" + at).toString());
                case "fuzz" -> Cli.run("fuzz", "--from", file.toString(), "--iterations", "1", "--out",
                        directory.resolve("fz" + at).toString());
                default -> Cli.run(command, file.toString());
            };
            if (result.exitCode() == ExitCodes.OK || result.exitCode() == ExitCodes.FOUND_PROBLEMS) {
                continue;
            }
            refused++;
            assertEquals(command.equals("fuzz") ? ExitCodes.BAD_INPUT : ExitCodes.BAD_TRACE, result.exitCode(), result.toString());
            assertEquals(1, result.err().lines().count(), result.toString());
            assertTrue(result.err().startsWith("vblk " + command + ": "), result.toString());
            assertFalse(JAVA.matcher(result.err()).find(), result.toString());
            assertFalse(result.out().contains("cannot be read"), "errors go to standard error: " + result);
        }
        assertTrue(refused > 10, refused + " damaged files refused");
    }

    @Test
    void aTraceCutShortSaysHowManyEventsAreIntactAndHowToReadThem() throws Exception {
        byte[] whole = Files.readAllBytes(Cli.golden("depth-32"));
        Path cut = Files.write(directory.resolve("cut.trace.avro"), Arrays.copyOf(whole, whole.length * 2 / 3));
        Cli.Result inspect = Cli.run("inspect", cut.toString());
        assertEquals(ExitCodes.BAD_TRACE, inspect.exitCode());
        assertTrue(inspect.err().matches("vblk inspect: trace is cut short at byte \\d+ \\(no end marker\\); its first \\d+ "
                + "events are intact \\(--valid-prefix reads them\\)\n"), inspect.err());
        Cli.Result replay = Cli.run("replay", cut.toString());
        assertEquals(ExitCodes.BAD_TRACE, replay.exitCode());
        assertEquals("", replay.out());
        assertTrue(replay.err().matches("vblk replay: " + Pattern.quote(cut.toString()) + ": the trace cannot be read: trace is "
                + "cut short at byte \\d+ \\(no end marker\\); its first \\d+ events are intact \\(--valid-prefix replays them\\)\n"),
                replay.err());
        Cli.Result diff = Cli.run("diff", cut.toString(), cut.toString());
        assertTrue(diff.err().endsWith("events are intact ('vblk inspect --valid-prefix' shows them)\n"), diff.err());
    }

    /** A seed that is no trace is bad input to the fuzzer, as any unusable input file is. */
    @Test
    void aSeedThatIsNoTraceIsBadInput() throws Exception {
        for (byte[] content : new byte[][] {new byte[0], "some text\n".getBytes(), Arrays.copyOf(
                Files.readAllBytes(Cli.golden("depth-32")), 3000)}) {
            Path seed = Files.write(directory.resolve("seed.avro"), content);
            Cli.Result result = Cli.run("fuzz", "--from", seed.toString(), "--iterations", "1", "--out",
                    directory.resolve("fz").toString());
            assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
            assertEquals(1, result.err().lines().count(), result.toString());
            assertFalse(JAVA.matcher(result.err()).find(), result.toString());
        }
    }

    @Test
    void aTraceCutBeforeItsFirstCheckpointHasNothingToRead() throws Exception {
        byte[] whole = Files.readAllBytes(Cli.golden("depth-32"));
        Path cut = Files.write(directory.resolve("cut.trace.avro"), Arrays.copyOf(whole, 3000));
        Cli.Result result = Cli.run("inspect", "--valid-prefix", cut.toString());
        assertEquals(ExitCodes.BAD_TRACE, result.exitCode());
        assertEquals("vblk inspect: trace is cut short at byte 3000, before its first checkpoint: none of its events is intact",
                result.err().strip());
    }

    @Test
    void usageErrorsAreOneLineAndTheHint() {
        for (String[] args : new String[][] {{"recrod"}, {"record", "--fake"}, {"record", "--preset", "a", "--workload", "b"},
                {"replay", "--relaxed", "--until", "3", "x"}}) {
            Cli.Result result = Cli.run(args);
            assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
            assertEquals(2, result.err().lines().count(), result.toString());
            assertTrue(result.err().lines().toList().get(1).startsWith("Try 'vblk"), result.toString());
            assertFalse(result.err().contains("Error: "), result.toString());
        }
        assertTrue(Cli.run("recrod").err().startsWith("vblk: Unmatched argument at index 0: 'recrod' (did you mean "));
    }

    @Test
    void negativeCountsAreRefused() {
        Cli.Result diff = Cli.run("diff", "--context", "-1", Cli.golden("discovery").toString(), Cli.golden("discovery").toString());
        assertEquals(ExitCodes.BAD_INPUT, diff.exitCode(), diff.toString());
        assertEquals("vblk diff: --context is a number of events (0 or more), not -1", diff.err().strip());
        Cli.Result extract = Cli.run("extract", "--operation", "-2", Cli.golden("known-sectors").toString(), "-o",
                directory.resolve("x.bin").toString());
        assertEquals(ExitCodes.BAD_INPUT, extract.exitCode(), extract.toString());
        assertEquals("vblk extract: --operation is an operation id (1 or more), not -2", extract.err().strip());
    }
}
