package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The launcher's choice of compilers for {@code vblk fuzz}: its {@code long_fuzz} function, run by
 * bash on the arguments a user gives, says a campaign is long (both compilers) at 150,000 cases per
 * shard or 15 seconds, and short (the client compiler only) otherwise.
 */
class LauncherFuzzCompilerTest {

    private static final Path LAUNCHER = Path.of("..", "vblk");

    @ParameterizedTest(name = "[{0}] long: {1}")
    @CsvSource(delimiter = '|', value = {
        "                                          | false",
        "--iterations 1000                         | false",
        "--iterations 149999                       | false",
        "--iterations 150000                       | true",
        "--seed 3 --iterations=300000 --threads 2  | true",
        "--duration 14s                            | false",
        "--duration=15s                            | true",
        "--duration 2m                             | true",
        "--duration 14999ms                        | false",
        "--duration 20s --iterations 5000          | false",
        "--iterations 5000 --duration 20s          | false",
        "--iterations 300000 --duration 10s        | false",
        "--iterations 1000000 --shard 2/4          | true",
        "--iterations 1000000 --shard=2/8          | false",
        "--iterations abc                          | false",
        "--iterations                              | false",
        "merge all.avro s1/cases.avro              | false"})
    void aCampaignIsLongAtTheThresholds(String arguments, boolean expectedLong) throws Exception {
        assertEquals(expectedLong, isLong(arguments == null ? List.of() : List.of(arguments.trim().split("\\s+"))));
    }

    /** Runs the launcher's {@code long_fuzz} on {@code arguments} in bash, as the launcher does under {@code set -euo pipefail}. */
    private static boolean isLong(List<String> arguments) throws IOException, InterruptedException {
        String launcher = Files.readString(LAUNCHER, StandardCharsets.UTF_8);
        int start = launcher.indexOf("\nlong_fuzz() {");
        int end = launcher.indexOf("\n}\n", start);
        if (start < 0 || end < 0) {
            throw new AssertionError("no long_fuzz function in " + LAUNCHER);
        }
        String script = "set -euo pipefail\n" + launcher.substring(start, end + 3)
                + "if long_fuzz \"$@\"; then echo long; else echo short; fi\n";
        List<String> command = new ArrayList<>(List.of("bash", "-c", script, "vblk"));
        command.addAll(arguments);
        Process bash = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!bash.waitFor(10, TimeUnit.SECONDS) || bash.exitValue() != 0) {
            bash.destroyForcibly();
            throw new AssertionError("bash failed on " + arguments + ": " + output);
        }
        return switch (output) {
            case "long" -> true;
            case "short" -> false;
            default -> throw new AssertionError("unexpected output for " + arguments + ": " + output);
        };
    }
}
