package dev.vblk.cli;

import dev.vblk.block.BlockDevice;
import dev.vblk.jfr.BlockRequestEvent;
import dev.vblk.jfr.InstrumentedBlockDevice;
import dev.vblk.jfr.InstrumentedPlatform;
import dev.vblk.jfr.RegisterAccessEvent;
import dev.vblk.platform.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import jdk.jfr.Recording;
import picocli.CommandLine.Option;

/**
 * {@code --jfr FILE} and {@code --jfr-registers}: a Flight Recorder recording of vblk's events while a
 * command runs, for {@code vblk report} or JDK Mission Control.
 */
final class JfrOptions {

    @Option(names = "--jfr", paramLabel = "FILE",
            description = "Write a Flight Recorder recording to FILE: the driver's block requests (record, replay; "
                    + "'vblk report FILE' summarises them), replay verdicts (replay), fuzz cases (fuzz).")
    Path file;

    @Option(names = "--jfr-registers",
            description = "With --jfr, record every register access of the driver too (record, replay; many events).")
    boolean registers;

    /** Whether a recording was asked for. */
    boolean enabled() {
        return file != null;
    }

    /** What the driver's platform is seen through: register events when asked for. */
    UnaryOperator<Platform> platformView() {
        return enabled() && registers ? InstrumentedPlatform::new : UnaryOperator.identity();
    }

    /** What each block device is seen through: block request events when recording. */
    UnaryOperator<BlockDevice> deviceView() {
        return enabled() ? InstrumentedBlockDevice::new : UnaryOperator.identity();
    }

    /**
     * Starts the recording, or nothing when none was asked for; closing the result writes the file.
     *
     * @param outputs the command's outputs, which the file joins
     * @throws BadInputException if {@code --jfr-registers} comes without {@code --jfr}, or the file
     *     cannot be written
     */
    Session start(Outputs outputs) {
        if (!enabled()) {
            if (registers) {
                throw new BadInputException("--jfr-registers needs --jfr FILE");
            }
            return new Session(null, null);
        }
        outputs.file(file, "Flight Recorder file");
        Recording recording = new Recording();
        recording.setName("vblk");
        recording.enable(BlockRequestEvent.NAME).withoutStackTrace();
        recording.enable(ReplayVerdictEvent.NAME);
        recording.enable(FuzzCaseEvent.NAME);
        if (registers) {
            recording.enable(RegisterAccessEvent.NAME).withoutStackTrace();
        }
        recording.setToDisk(true);
        try {
            recording.setDestination(file);
        } catch (IOException e) {
            recording.close();
            throw new BadInputException("cannot write Flight Recorder file " + file + ": " + e.getMessage(), e);
        }
        recording.start();
        return new Session(recording, file);
    }

    /** A running recording; {@link #close} stops it and writes the file. */
    static final class Session implements AutoCloseable {
        private final Recording recording;
        private final Path file;

        private Session(Recording recording, Path file) {
            this.recording = recording;
            this.file = file;
        }

        @Override
        public void close() {
            if (recording == null) {
                return;
            }
            try {
                recording.stop();
            } catch (IllegalStateException e) {
                throw new BadInputException("cannot write Flight Recorder file " + file + ": " + e.getMessage(), e);
            } finally {
                recording.close();
            }
        }
    }
}
