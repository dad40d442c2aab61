package dev.vblk.cli;

import dev.vblk.harness.HarnessException;
import dev.vblk.harness.OutputFileException;
import dev.vblk.qemu.QemuException;
import dev.vblk.trace.TraceFormatException;
import dev.vblk.trace.TraceWriteException;
import dev.vblk.workload.WorkloadSyntaxException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IExitCodeExceptionMapper;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where failures become exit statuses and messages: one line on standard error naming
 * the command and what went wrong, the stack trace only with {@code --verbose}.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IExitCodeExceptionMapper, IParameterExceptionHandler {

    /** How to get QEMU, for every message about it missing. */
    static final String INSTALL_QEMU = "install it with 'apt-get install -y qemu-system-arm qemu-utils', "
            + "or name it with --qemu PATH or VBLK_QEMU; --fake runs on the software device instead";

    @Override
    public int getExitCode(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof BadInputException || cause instanceof WorkloadSyntaxException
                    || cause instanceof StandardOutput.WriteFailure
                    || cause instanceof ParameterException || cause instanceof OutputFileException
                    || cause instanceof TraceWriteException) {
                return ExitCodes.BAD_INPUT;
            }
            if (cause instanceof TraceFormatException || cause instanceof UnusableTraceException) {
                return ExitCodes.BAD_TRACE;
            }
            if (cause instanceof QemuException) {
                return ExitCodes.PLATFORM_UNAVAILABLE;
            }
        }
        if (exception instanceof HarnessException) {
            return ExitCodes.PLATFORM_UNAVAILABLE;
        }
        return ExitCodes.INTERNAL_ERROR;
    }

    /** The one-line message for a failure. */
    String message(Throwable exception) {
        int code = getExitCode(exception);
        String text = exception.getMessage() == null ? exception.getClass().getSimpleName() : exception.getMessage();
        if (code == ExitCodes.INTERNAL_ERROR) {
            return "internal error: " + exception.getClass().getName() + ": " + text
                    + " (run with --verbose for the stack trace)";
        }
        if (exception instanceof TraceFormatException format && format.reason() == TraceFormatException.Reason.TRUNCATED) {
            return text + " ('vblk inspect --valid-prefix' shows them)";
        }
        if (code == ExitCodes.PLATFORM_UNAVAILABLE && text.contains("QEMU not found")) {
            return text.substring(0, text.indexOf("QEMU not found")) + "QEMU not found: " + INSTALL_QEMU
                    + " (" + text.substring(text.indexOf("QEMU not found") + "QEMU not found: ".length()) + ")";
        }
        return text.lines().findFirst().orElse(text);
    }

    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof StandardOutput.WriteFailure failure && failure.closedPipe()) {
                return ExitCodes.BAD_INPUT;
            }
        }
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + message(exception));
        if (verbose(parseResult)) {
            exception.printStackTrace(err);
        }
        err.flush();
        return getExitCode(exception);
    }

    @Override
    public int handleParseException(ParameterException exception, String[] args) {
        CommandLine commandLine = exception.getCommandLine();
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + exception.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(exception, err);
        err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.BAD_INPUT;
    }

    private static boolean verbose(ParseResult parseResult) {
        for (ParseResult result = parseResult; result != null; result = result.subcommand()) {
            if (result.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
