package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.harness.SignedImages;
import dev.vblk.trace.Trace;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs that would destroy an input, outputs that cannot be written, and images that are not whole
 * sectors: each is refused with one line and exit status 2 before anything starts. The QEMU commands
 * are given {@code --qemu /bin/true}, so a check that came too late would fail with exit status 4.
 */
class OutputsTest {

    private static final String NOT_QEMU = "/bin/true";

    @TempDir
    Path directory;

    private static void assertRefused(Cli.Result result, String expected) {
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
        assertEquals(1, result.err().lines().count(), "one line: " + result.err());
        assertTrue(result.err().contains(expected), result.err());
    }

    @Test
    void recordRefusesToWriteItsTraceOverTheImageHoweverThePathIsSpelled() throws IOException {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        byte[] before = Files.readAllBytes(image);
        Path link = Files.createSymbolicLink(directory.resolve("link.img"), image);
        Path hardLink = Files.createLink(directory.resolve("hard.img"), image);
        Path sub = Files.createDirectory(directory.resolve("sub"));
        for (Path output : new Path[] {image, directory.resolve("./disk.img"), sub.resolve("../disk.img"), link, hardLink}) {
            assertRefused(Cli.run("record", image.toString(), "--qemu", NOT_QEMU, "--preset", "known-sectors", "-o",
                    output.toString()), "writing it would destroy it");
        }
        assertRefused(Cli.run("record", link.toString(), "--qemu", NOT_QEMU, "--preset", "known-sectors", "-o",
                image.toString()), "is the input " + link);
        assertArrayEquals(before, Files.readAllBytes(image), "the image is untouched");
    }

    @Test
    void noCommandWritesOverItsWorkloadTraceImageOrQemu() throws IOException {
        Path workload = Files.writeString(directory.resolve("w.workload"), "read 0 1\n");
        assertRefused(Cli.run("record", "--fake", "--workload", workload.toString(), "-o", workload.toString()),
                "trace " + workload + " is the input");
        assertEquals("read 0 1\n", Files.readString(workload));

        Path trace = directory.resolve("t.trace.avro");
        assertEquals(ExitCodes.OK, Cli.run("record", "--fake", "--preset", "known-sectors", "-o", trace.toString()).exitCode());
        byte[] recorded = Files.readAllBytes(trace);
        assertRefused(Cli.run("replay", trace.toString(), "--jfr", trace.toString()), "Flight Recorder file " + trace
                + " is the input");
        assertRefused(Cli.run("export", "--qtest", trace.toString(), "-o", directory.resolve("./t.trace.avro").toString()),
                "qtest script");
        Path image = SignedImages.raw(directory, "disk.img", 8);
        assertRefused(Cli.run("export", "--qtest", trace.toString(), "--image", image.toString(), "-o", image.toString()),
                "is the input");
        assertArrayEquals(recorded, Files.readAllBytes(trace), "the trace is untouched");

        Path qemu = Files.copy(Path.of(NOT_QEMU), directory.resolve("qemu"));
        assertRefused(Cli.run("record", image.toString(), "--qemu", qemu.toString(), "--preset", "discovery", "-o",
                qemu.toString()), "is the input " + qemu);
    }

    @Test
    void putNeverWritesTheImageItTakesItsDataFromHoweverThePathIsSpelled() throws IOException {
        Path image = SignedImages.raw(directory, "self.img", 64);
        byte[] before = Files.readAllBytes(image);
        Path link = Files.createSymbolicLink(directory.resolve("link.img"), image);
        Path hardLink = Files.createLink(directory.resolve("hard.img"), image);
        for (Path from : new Path[] {image, directory.resolve("./self.img"), link, hardLink}) {
            assertRefused(Cli.run("put", image.toString(), "--qemu", NOT_QEMU, "--sector", "1", "--from", from.toString()),
                    "data file " + from + " is the image " + image + " that is written");
        }
        assertRefused(Cli.run("put", link.toString(), "--qemu", NOT_QEMU, "--sector", "1", "--from", image.toString()),
                "is the image " + link);
        assertArrayEquals(before, Files.readAllBytes(image), "the image is untouched");
    }

    @Test
    void twoOutputsOfOneCommandMustBeDifferentFiles() {
        Path out = directory.resolve("same");
        assertRefused(Cli.run("record", "--fake", "--preset", "known-sectors", "-o", out.toString(), "--jfr",
                directory.resolve("x/../same").toString()), "is also the output");
        assertFalse(Files.exists(out), "nothing was written");
    }

    @Test
    void aNamedOutputsFolderMustExistAndIsNotCreated() {
        Path missing = directory.resolve("nonexistent-dir");
        assertRefused(Cli.run("record", "--fake", "--preset", "known-sectors", "-o", missing.resolve("x.avro").toString()),
                "cannot write trace " + missing.resolve("x.avro") + ": folder " + missing + " does not exist");
        assertRefused(Cli.run("record", "--fake", "--preset", "known-sectors", "-o", directory.resolve("t").toString(),
                "--jfr", missing.resolve("r.jfr").toString()), "folder " + missing + " does not exist");
        assertRefused(Cli.run("fuzz", "--iterations", "1", "--out", missing.resolve("deeper").toString()),
                "folder " + missing + " does not exist");
        assertFalse(Files.exists(missing), "no folder was created");
    }

    @Test
    void specialFilesAndFoldersAreNotOutputs() {
        assertRefused(Cli.run("record", "--fake", "--preset", "known-sectors", "-o", "/dev/full"),
                "cannot write trace /dev/full: it is not a regular file");
        assertRefused(Cli.run("record", "--fake", "--preset", "known-sectors", "-o", directory.toString()),
                "it is a folder");
    }

    @Test
    void aRawImageThatIsNotWholeSectorsIsRefusedBeforeQemuStarts() throws IOException {
        Path odd = Files.write(directory.resolve("odd.img"), new byte[1000]);
        assertRefused(Cli.run("record", odd.toString(), "--qemu", NOT_QEMU, "--preset", "discovery", "-o",
                directory.resolve("t.avro").toString()), "disk image " + odd + " is 1000 bytes, not a whole number of 512-byte sectors");
        assertRefused(Cli.run("scan", odd.toString(), "--qemu", NOT_QEMU), "not a whole number");
        assertEquals(1000, Files.size(odd));
    }

    @Test
    void aTraceThatCannotBeWrittenMidRunNamesTheFileAndWhyWithStatus2() throws Exception {
        // Writes of random bytes: a trace stores them once, and they do not compress.
        byte[] random = new byte[400 * 64 * 512];
        new SplittableRandom(1).nextBytes(random);
        Files.write(directory.resolve("random.bin"), random);
        Path workload = Files.writeString(directory.resolve("many.workload"), IntStream.range(0, 400)
                .mapToObj(i -> "write 0 64 file=random.bin from=" + i * 64 * 512 + "\n").collect(Collectors.joining()));
        Path trace = directory.resolve("big.trace.avro");
        Process vblk = new ProcessBuilder("bash", "-c", "ulimit -f 64 && exec \"$0\" -cp \"$1\" dev.vblk.cli.Vblk record "
                + "--fake --workload \"$2\" -o \"$3\"", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                System.getProperty("java.class.path"), workload.toString(), trace.toString())
                .redirectErrorStream(true).start();
        String output = new String(vblk.getInputStream().readAllBytes());
        assertTrue(vblk.waitFor(60, TimeUnit.SECONDS));

        assertEquals(ExitCodes.BAD_INPUT, vblk.exitValue(), output);
        assertTrue(output.strip().endsWith("vblk record: cannot write trace " + trace + ": File too large"), output);
        assertEquals(64 * 1024, Files.size(trace), "the file reached the limit");
    }

    @Test
    void aTraceBeingWrittenByAnotherRunIsNotTakenOver() throws Exception {
        Path trace = directory.resolve("shared.trace.avro");
        try (TraceWriter first = TraceWriter.create(trace, TraceMetadata.of(Instant.now(), Map.of("kind", "fake"),
                List.of(), "the first run", OptionalLong.empty(), Map.of()))) {
            first.append(new TraceEvent.ClockRead(42));
            first.checkpoint();

            Cli.Result second = Cli.run("record", "--fake", "--preset", "known-sectors", "-o", trace.toString());

            assertEquals(ExitCodes.BAD_INPUT, second.exitCode(), second.toString());
            assertTrue(second.err().strip().endsWith("another run is writing " + trace + " now"), second.toString());
        }
        Trace kept = TraceReader.readComplete(trace);
        assertEquals("the first run", kept.metadata().workload());
        assertEquals(List.of(new TraceEvent.ClockRead(42)), kept.events());
    }

    /** Outputs that exist are told apart by file, so a hard or symbolic link to an earlier output is the same output. */
    @Test
    void anOutputLinkedToAnEarlierOneIsTheSameOutput() throws IOException {
        Path first = Files.writeString(directory.resolve("first.bin"), "x");
        Path hard = Files.createLink(directory.resolve("hard.bin"), first);
        Path soft = Files.createSymbolicLink(directory.resolve("soft.bin"), first);
        for (Path other : new Path[] {hard, soft, directory.resolve("sub/../first.bin")}) {
            Outputs outputs = Outputs.against(List.of());
            outputs.file(first, "data file");
            BadInputException refused = assertThrows(BadInputException.class, () -> outputs.file(other, "data file"));
            assertTrue(refused.getMessage().contains("is also the output " + first), refused.getMessage());
        }
        Outputs fresh = Outputs.against(List.of());
        fresh.file(directory.resolve("new.bin"), "data file");
        assertThrows(BadInputException.class, () -> fresh.file(directory.resolve("./new.bin"), "data file"));
    }

    /**
     * One output per read of a long trace ({@code vblk extract}): each is checked in constant time,
     * not against every earlier one (20,000 outputs took minutes so).
     */
    @Test
    void manyOutputsAreCheckedInLinearTime() {
        Outputs outputs = Outputs.against(List.of());
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            for (int i = 0; i < 20_000; i++) {
                outputs.file(directory.resolve(String.format("op-%06d.bin", i)), "data file");
            }
        });
    }
}
