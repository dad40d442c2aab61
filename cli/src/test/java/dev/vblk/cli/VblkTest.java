package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.trace.TraceFormat;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The top command: help, version, usage errors, completion, and every subcommand's help. */
class VblkTest {

    @Test
    void helpListsTheCommandsAndTheExitStatuses() {
        Cli.Result result = Cli.run("--help");
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        for (String command : new String[] {"demo", "scan", "record", "replay", "inspect", "cat", "put", "diff", "export", "extract", "report",
                "completion"}) {
            assertTrue(result.out().contains("  " + command + " "), command + " in\n" + result.out());
        }
        assertTrue(result.out().contains("3 bad trace file"), result.out());
    }

    @Test
    void versionNamesTheTraceFormat() {
        Cli.Result result = Cli.run("--version");
        assertEquals("vblk " + TraceFormat.projectVersion() + " (trace format " + TraceFormat.FORMAT_VERSION + ")",
                result.out().strip());
    }

    @Test
    void everySubcommandHelpHasExamples() {
        CommandLine commandLine = Vblk.commandLine();
        for (String name : commandLine.getSubcommands().keySet()) {
            if (name.equals("help")) {
                continue;
            }
            Cli.Result result = Cli.run(name, "--help");
            assertEquals(ExitCodes.OK, result.exitCode(), name + ": " + result);
            assertTrue(result.out().contains("Examples:"), name + " help has examples:\n" + result.out());
        }
    }

    @Test
    void anUnknownCommandIsAUsageErrorOnOneLineWithASuggestion() {
        Cli.Result result = Cli.run("recrod");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().startsWith("vblk: Unmatched argument at index 0: 'recrod'"), result.err());
        assertTrue(result.err().contains("record"), result.err());
        assertTrue(result.err().contains("Try 'vblk --help'"), result.err());
    }

    @Test
    void anUnknownOptionOfASubcommandNamesTheSubcommand() {
        Cli.Result result = Cli.run("inspect", "--colour", "x.trace.avro");
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().startsWith("vblk inspect: Unknown option: '--colour'"), result.err());
    }

    @Test
    void completionPrintsABashScriptKnowingTheCommandsAndPresets() {
        Cli.Result result = Cli.run("completion");
        assertEquals(ExitCodes.OK, result.exitCode());
        assertTrue(result.out().contains("complete -F _complete_vblk"), result.out().lines().limit(5).toList().toString());
        assertTrue(result.out().contains("known-sectors"), "preset names complete --preset");
        assertTrue(result.out().contains("--relaxed"), "replay's options are in it");
    }

    /** Each command's summary in the list is a whole sentence, not a description's first line cut off. */
    @Test
    void helpSummarisesEachCommandInAWholeSentence() {
        for (String[] args : new String[][] {{"--help"}, {"fuzz", "--help"}}) {
            String out = Cli.run(args).out();
            assertTrue(out.startsWith("Usage: vblk"), out);
            String list = out.substring(out.indexOf("Commands:\n") + "Commands:\n".length());
            list = list.substring(0, list.indexOf("\n\n"));
            java.util.Map<String, String> summaries = new java.util.LinkedHashMap<>();
            String name = null;
            for (String line : list.lines().toList()) {
                if (line.startsWith("  ") && !line.startsWith("   ")) {
                    name = line.strip().split(" +", 2)[0];
                    summaries.put(name, line.strip().substring(name.length()).strip());
                } else {
                    summaries.merge(name, " " + line.strip(), String::concat);
                }
            }
            assertTrue(!summaries.isEmpty(), out);
            summaries.forEach((command, summary) -> assertTrue(summary.endsWith("."), command + ": '" + summary + "'"));
        }
        assertTrue(Cli.run("--help").out().contains("over virtio-mmio and virtio-pci"));
    }
}
