package dev.vblk.cli;

import dev.vblk.harness.HarnessException;
import dev.vblk.harness.OutputFileException;
import dev.vblk.harness.OutsideDeviceException;
import dev.vblk.qemu.QemuException;
import dev.vblk.replay.TraceProblem;
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
                    || cause instanceof TraceWriteException || cause instanceof OutsideDeviceException) {
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

    /**
     * The one-line message for a failure of {@code command}: a trace's problem told in the file's terms
     * ({@link TraceProblem}), and for a trace cut short with intact events, the option that reads them
     * unless the command was given it.
     */
    String message(Throwable exception, CommandLine command) {
        int code = getExitCode(exception);
        String text = exception.getMessage() == null ? exception.getClass().getSimpleName() : exception.getMessage();
        if (code == ExitCodes.INTERNAL_ERROR) {
            return "internal error: " + exception.getClass().getName() + ": " + text
                    + " (run with --verbose for the stack trace)";
        }
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof TraceFormatException format && cause.getMessage() != null) {
                text = text.replace(cause.getMessage(), TraceProblem.describe(format));
                if (format.reason() == TraceFormatException.Reason.TRUNCATED && format.readableEvents().orElse(0) > 0) {
                    text += validPrefixAdvice(command);
                }
                break;
            }
        }
        if (code == ExitCodes.PLATFORM_UNAVAILABLE && text.contains("QEMU not found")) {
            return text.substring(0, text.indexOf("QEMU not found")) + "QEMU not found: " + INSTALL_QEMU
                    + " (" + text.substring(text.indexOf("QEMU not found") + "QEMU not found: ".length()) + ")";
        }
        text = TraceProblem.plain(text);
        return text.lines().findFirst().orElse(text);
    }

    /** How to read the intact events of a trace cut short: the command's own option, or {@code vblk inspect}'s. */
    private static String validPrefixAdvice(CommandLine command) {
        if (command.getCommandSpec().findOption("--valid-prefix") == null) {
            return " ('vblk inspect --valid-prefix' shows them)";
        }
        ParseResult parsed = command.getParseResult();
        return parsed != null && parsed.hasMatchedOption("--valid-prefix") ? "" : " (--valid-prefix reads them)";
    }

    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof StandardOutput.WriteFailure failure && failure.closedPipe()) {
                return ExitCodes.BAD_INPUT;
            }
        }
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + message(exception, commandLine));
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
        String message = String.valueOf(exception.getMessage()).lines().findFirst().orElse("").replaceFirst("^Error: ", "");
        if (exception instanceof CommandLine.UnmatchedArgumentException unmatched && !unmatched.getSuggestions().isEmpty()) {
            message += " (did you mean " + String.join(", ", unmatched.getSuggestions()) + "?)";
        }
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + message);
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
