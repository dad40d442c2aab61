package dev.vblk.harness;

import dev.vblk.workload.Step;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Where the bytes a run's read steps returned go, for steps that save them and for commands that print them. */
@FunctionalInterface
public interface ReadSink {

    /**
     * Saves each read that names a file ({@code save=PATH}) to it: the first read of a run saved to a
     * file replaces it, later ones append to it. Reads without a file are left alone. The bytes go to
     * the file in one write, not in the small pieces {@code Files.write} cuts them into.
     */
    ReadSink SAVE_FILES = (step, first, data) -> {
        if (step.save().isEmpty()) {
            return;
        }
        Path file = step.save().get();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                first ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND)) {
            ByteBuffer bytes = ByteBuffer.wrap(data);
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw new OutputFileException("cannot save the bytes of '" + step.toText() + "' to " + file + ": "
                    + e.getMessage(), e);
        }
    };

    /**
     * Takes the bytes of a read step that succeeded.
     *
     * @param first whether no earlier read step of the run named the same file (always true without one)
     * @param data the bytes, the sink's only during the call: a stream step reads into the array again
     * @throws OutputFileException if the bytes cannot be written where they go
     */
    void save(Step.Read step, boolean first, byte[] data);
}
