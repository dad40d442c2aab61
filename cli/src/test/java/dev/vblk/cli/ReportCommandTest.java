package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk report} on files that are not Flight Recorder files (recordings: see RecordCommandTest). */
class ReportCommandTest {

    @TempDir
    Path directory;

    @Test
    void aFileThatIsNotARecordingIsBadInput() throws Exception {
        Path file = Files.writeString(directory.resolve("run.jfr"), "not a recording");
        Cli.Result result = Cli.run("report", file.toString());
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
        assertTrue(result.err().startsWith("vblk report: " + file + " is not a Flight Recorder file"), result.err());
    }

    @Test
    void aMissingFileIsBadInput() {
        Cli.Result result = Cli.run("report", directory.resolve("none.jfr").toString());
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode());
    }
}
