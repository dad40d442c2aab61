package dev.vblk.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.Charset;

/**
 * Every command's standard output: a writer that, unlike {@link java.io.PrintWriter} over
 * {@link System#out}, does not swallow a failed write. The first write or flush that fails ends the
 * command with a {@link WriteFailure}: a closed pipe ({@code vblk inspect T | head -1}) quietly, any
 * other failure ({@code > /dev/full}) as bad output, status 2.
 */
final class StandardOutput extends Writer {

    /** A write to standard output failed; {@link #closedPipe()} says whether its reader went away. */
    static final class WriteFailure extends UncheckedIOException {
        private static final long serialVersionUID = 1L;

        WriteFailure(IOException cause) {
            super("cannot write to standard output: " + cause.getMessage(), cause);
        }

        /** Whether the reader of the pipe closed it: nothing more is wanted, and nothing is to be said. */
        boolean closedPipe() {
            return "Broken pipe".equals(getCause().getMessage());
        }
    }

    private final Writer out;

    StandardOutput(OutputStream stream, Charset charset) {
        this.out = new OutputStreamWriter(stream, charset);
    }

    @Override
    public void write(char[] buffer, int offset, int length) {
        try {
            out.write(buffer, offset, length);
        } catch (IOException e) {
            throw new WriteFailure(e);
        }
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new WriteFailure(e);
        }
    }

    @Override
    public void close() {
        flush();
    }
}
