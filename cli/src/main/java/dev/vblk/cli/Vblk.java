package dev.vblk.cli;

import dev.vblk.trace.TraceFormat;
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
            "A virtio-blk driver over virtio-mmio, and the harness that records, replays and fuzzes it.",
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
            "Exit status: 0 ok (replay reproduced, traces equal), 1 problems found (replay diverged,",
            "fuzz failures, traces differ, a cat, put or extract incomplete), 2 bad usage, input or output,",
            "3 bad trace file, 4 QEMU or the machine unavailable, 5 internal error."})
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
        commandLine.setExecutionExceptionHandler(reporter);
        commandLine.setExitCodeExceptionMapper(reporter);
        commandLine.setParameterExceptionHandler(reporter);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }

    public static void main(String[] args) {
        Vblk vblk = new Vblk();
        vblk.interactive = System.console() != null;
        System.exit(configure(new CommandLine(vblk)).execute(args));
    }

    /** The project version and the trace format version this build reads and writes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vblk " + TraceFormat.projectVersion() + " (trace format " + TraceFormat.FORMAT_VERSION + ")"};
        }
    }
}
