package dev.vblk.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * Runs several vblk commands one after another in one JVM, so that a test can run them all in a small
 * heap at the cost of one start. Arguments: a folder, then the commands separated by {@code ;}. The
 * standard output of the n-th command goes to {@code FOLDER/n.out}, its standard error to
 * {@code FOLDER/n.err}; each exit status is printed on a line of its own.
 */
public final class CommandSequence {

    private CommandSequence() {}

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]);
        List<List<String>> commands = new ArrayList<>();
        commands.add(new ArrayList<>());
        for (String arg : Arrays.asList(args).subList(1, args.length)) {
            if (arg.equals(";")) {
                commands.add(new ArrayList<>());
            } else {
                commands.get(commands.size() - 1).add(arg);
            }
        }
        for (int i = 0; i < commands.size(); i++) {
            try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(folder.resolve(i + ".out"), StandardCharsets.UTF_8));
                    PrintWriter err = new PrintWriter(Files.newBufferedWriter(folder.resolve(i + ".err"), StandardCharsets.UTF_8))) {
                CommandLine commandLine = Vblk.commandLine();
                commandLine.setOut(out);
                commandLine.setErr(err);
                System.out.println(commandLine.execute(commands.get(i).toArray(String[]::new)));
            }
        }
    }
}
