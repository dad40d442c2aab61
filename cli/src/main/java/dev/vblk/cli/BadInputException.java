package dev.vblk.cli;

/**
 * Input a person can correct: a file that does not exist, an unknown preset, options that do not go
 * together. The message is one line saying what is wrong and what to do. Exit status
 * {@link ExitCodes#BAD_INPUT}.
 */
public final class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadInputException(String message) {
        super(message);
    }

    public BadInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
