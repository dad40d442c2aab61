package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Standard output that cannot be written, run as a user runs vblk: in a process of its own, through {@link Vblk#main}. */
class StandardOutputTest {

    @TempDir
    Path directory;

    private static ProcessBuilder vblk(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Vblk.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    @ParameterizedTest
    @ValueSource(strings = {"inspect", "replay", "export", "completion", "diff", "--help"})
    void aFullDiskIsBadOutputOnOneLine(String command) throws Exception {
        String trace = Cli.golden("io-error").toString();
        String[] args = switch (command) {
            case "export" -> new String[] {"export", "--qtest", trace};
            case "diff" -> new String[] {"diff", trace, Cli.golden("known-sectors").toString()};
            case "completion", "--help" -> new String[] {command};
            default -> new String[] {command, trace};
        };
        Path err = directory.resolve("err");
        Process process = vblk(args).redirectOutput(new File("/dev/full")).redirectError(err.toFile()).start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        String name = command.equals("--help") ? "vblk" : "vblk " + command;
        assertEquals(name + ": cannot write to standard output: No space left on device\n", Files.readString(err));
        assertEquals(ExitCodes.BAD_INPUT, process.exitValue());
    }

    @Test
    void aClosedPipeEndsTheCommandAtOnceAndQuietly() throws Exception {
        Path err = directory.resolve("err");
        Process process = vblk("inspect", Cli.golden("depth-32").toString()).redirectError(err.toFile()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            assertTrue(out.readLine().startsWith("trace "));
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals("", Files.readString(err));
        assertEquals(ExitCodes.BAD_INPUT, process.exitValue());
    }
}
