package dev.vblk.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** Runs vblk commands in the test's JVM through picocli, capturing what they print. */
final class Cli {

    /** What a command printed and its exit status. */
    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
        }
    }

    private Cli() {}

    static Result run(String... args) {
        CommandLine commandLine = Vblk.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        int code = commandLine.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** A golden trace checked in under {@code traces/}. */
    static Path golden(String name) {
        return Path.of(System.getProperty("vblk.traces", "../traces")).resolve(name + ".trace.avro");
    }
}
