package dev.vblk.cli;

import dev.vblk.trace.TraceFormat;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code vblk} command: finds virtio-blk devices, records the driver's runs into traces, moves data
 * through the driver, replays, inspects, compares, exports and extracts traces, fuzzes the driver, and
 * reports its latencies.
 */
@Command(name = "vblk",
        mixinStandardHelpOptions = true,
        scope = ScopeType.INHERIT,
        versionProvider = Vblk.Version.class,
        sortOptions = false,
        description = {
            "A virtio-blk driver over virtio-mmio and virtio-pci, and the harness that records, replays and fuzzes it.",
            ""},
        subcommands = {
            DemoCommand.class,
            ScanCommand.class,
            RecordCommand.class,
            CatCommand.class,
            PutCommand.class,
            ReplayCommand.class,
            InspectCommand.class,
            DiffCommand.class,
            ExportCommand.class,
            ExtractCommand.class,
            FuzzCommand.class,
            ReportCommand.class,
            CompletionCommand.class,
            CommandLine.HelpCommand.class},
        footer = {
            "",
            "Start with:  vblk demo",
            "",
            "Exit status: 0 ok (replay reproduced, traces equal); 1 problems found (replay",
            "diverged, fuzz failures, traces differ, a cat, put, record or extract",
            "incomplete); 2 bad usage, input or output; 3 bad trace file; 4 QEMU or the",
            "machine unavailable; 5 internal error."})
public final class Vblk implements Runnable {

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces with errors.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private boolean interactive;

    /** Whether progress may be drawn on the terminal: only when run from {@link #main} on a console. */
    boolean interactive() {
        return interactive;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with vblk's error handling and exit statuses; tests run commands through this. */
    public static CommandLine commandLine() {
        return configure(new CommandLine(new Vblk()));
    }

    private static CommandLine configure(CommandLine commandLine) {
        ErrorReporter reporter = new ErrorReporter();
        commandLine.setExecutionStrategy(Vblk::executeAndFlush);
        commandLine.setExecutionExceptionHandler(reporter);
        commandLine.setExitCodeExceptionMapper(reporter);
        commandLine.setParameterExceptionHandler(reporter);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        CommandSummaries.install(commandLine);
        return commandLine;
    }

    /**
     * Runs the command, then flushes its standard output, so that a write that fails at the very end
     * fails the command too; every failure goes to the {@link ErrorReporter}.
     */
    private static int executeAndFlush(CommandLine.ParseResult parseResult) {
        try {
            int code = new CommandLine.RunLast().execute(parseResult);
            parseResult.commandSpec().commandLine().getOut().flush();
            return code;
        } catch (CommandLine.ExecutionException | CommandLine.ParameterException e) {
            throw e;
        } catch (RuntimeException e) {
            List<CommandLine> commands = parseResult.asCommandLineList();
            throw new CommandLine.ExecutionException(commands.get(commands.size() - 1), e.getMessage(), e);
        }
    }

    public static void main(String[] args) {
        Vblk vblk = new Vblk();
        vblk.interactive = System.console() != null;
        CommandLine commandLine = configure(new CommandLine(vblk));
        commandLine.setOut(new PrintWriter(new StandardOutput(new FileOutputStream(FileDescriptor.out),
                Charset.defaultCharset()), true));
        System.exit(commandLine.execute(args));
    }

    /** The project version and the trace format version this build reads and writes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vblk " + TraceFormat.projectVersion() + " (trace format " + TraceFormat.FORMAT_VERSION + ")"};
        }
    }
}
