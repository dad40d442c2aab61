package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.workload.NamedPattern;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk extract}: the bytes of a trace's reads, checked against the recorded digests. */
class ExtractCommandTest {

    @TempDir
    Path directory;

    @Test
    void writesEveryReadIntoTheFolderWithTheImagesBytes() throws Exception {
        Path folder = directory.resolve("reads");
        Cli.Result result = Cli.run("extract", Cli.golden("known-sectors").toString(), "-o", folder.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("7 read operation(s) extracted, 0 not matching"), result.out());
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(7, files.count());
        }
        assertArrayEquals(NamedPattern.SIGNATURE.sectors(17, 8), Files.readAllBytes(folder.resolve("op-000008.bin")));
        assertArrayEquals(NamedPattern.SIGNATURE.sectors(2047, 1), Files.readAllBytes(folder.resolve("op-000007.bin")));
    }

    @Test
    void oneOperationToAFile() throws Exception {
        Path file = directory.resolve("sector-17.bin");
        Cli.Result result = Cli.run("extract", Cli.golden("known-sectors").toString(), "--operation", "8", "-o", file.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertArrayEquals(NamedPattern.SIGNATURE.sectors(17, 8), Files.readAllBytes(file));
    }

    @Test
    void readsSplitIntoSeveralRequestsComeBackWhole() throws Exception {
        Path folder = directory.resolve("reads");
        Cli.Result result = Cli.run("extract", Cli.golden("multi-sector-flush").toString(), "-o", folder.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("260 KiB, sha256 matches"), result.out());
    }

    @Test
    void submittedReadsPublishedByTheirWaitComeBackToo() throws Exception {
        Path folder = directory.resolve("reads");
        Cli.Result result = Cli.run("extract", Cli.golden("depth-32").toString(), "-o", folder.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("96 read operation(s) extracted, 0 not matching"), result.out());
        assertArrayEquals(NamedPattern.SIGNATURE.sectors(2040, 8), Files.readAllBytes(folder.resolve("op-000002.bin")));
    }

    @Test
    void dataThatDoesNotMatchItsDigestIsAProblemFound() throws Exception {
        Path changed = Traces.withChangedSector("known-sectors", directory.resolve("changed.trace.avro")).file();
        Cli.Result result = Cli.run("extract", changed.toString(), "-o", directory.resolve("reads").toString());
        assertEquals(ExitCodes.FOUND_PROBLEMS, result.exitCode(), result.toString());
        assertTrue(result.out().contains("DOES NOT MATCH"), result.out());
    }

    @Test
    void refusesAnOperationThatIsNoSuccessfulReadAndItsOwnInput() {
        Path trace = Cli.golden("io-error");
        Cli.Result failedRead = Cli.run("extract", trace.toString(), "--operation", "2", "-o", directory.resolve("x").toString());
        assertEquals(ExitCodes.BAD_INPUT, failedRead.exitCode(), failedRead.toString());
        assertTrue(failedRead.err().contains("no successful read operation 2"), failedRead.err());
        Cli.Result overInput = Cli.run("extract", trace.toString(), "--operation", "3", "-o", trace.toString());
        assertEquals(ExitCodes.BAD_INPUT, overInput.exitCode(), overInput.toString());
        assertTrue(overInput.err().contains("is the input"), overInput.err());
    }
}
