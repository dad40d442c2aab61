package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.harness.RunSummary;
import dev.vblk.harness.StepResult;
import dev.vblk.workload.NamedPattern;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk cat} and {@code vblk put} on the fake device, and a workload step that saves what it read. */
class CatPutCommandTest {

    @TempDir
    Path directory;

    @Test
    void catReadsSectorsIntoAFileRecordedAndReplayable() throws Exception {
        Path out = directory.resolve("out.bin");
        Path trace = directory.resolve("cat.trace.avro");
        Cli.Result result = Cli.run("cat", "--fake", "--sectors", "4096", "--sector", "7", "--count", "2500",
                "--to", out.toString(), "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertArrayEquals(NamedPattern.SIGNATURE.sectors(7, 2500), Files.readAllBytes(out));
        assertTrue(result.out().contains("read 1.2 MiB at sector 7 of device 0"), result.out());
        assertEquals(ExitCodes.OK, Cli.run("replay", trace.toString()).exitCode());
        Cli.Result relaxed = Cli.run("replay", "--relaxed", trace.toString());
        assertEquals(ExitCodes.OK, relaxed.exitCode(), relaxed.toString());
        assertTrue(relaxed.out().contains("REPRODUCED"), relaxed.out());

        Path reads = directory.resolve("reads");
        assertEquals(ExitCodes.OK, Cli.run("extract", trace.toString(), "-o", reads.toString()).exitCode());
        assertArrayEquals(Files.readAllBytes(out), concatenated(reads));
    }

    @Test
    void catWritesTheBytesToStandardOutputAndWhatItSaysToStandardError() {
        PrintStream saved = System.out;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Cli.Result result;
        try {
            System.setOut(new PrintStream(bytes, true));
            result = Cli.run("cat", "--fake", "--sector", "2", "--count", "3");
        } finally {
            System.setOut(saved);
        }
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertArrayEquals(NamedPattern.SIGNATURE.sectors(2, 3), bytes.toByteArray());
        assertEquals("", result.out());
        assertTrue(result.err().contains("read 1.5 KiB at sector 2 of device 0"), result.err());
    }

    @Test
    void putWritesAFileAndFlushesRecordedAndReplayable() throws Exception {
        byte[] data = NamedPattern.COMPLEMENT.sectors(0, 2100);
        Path file = Files.write(directory.resolve("data.bin"), data);
        Path trace = directory.resolve("put.trace.avro");
        Cli.Result result = Cli.run("put", "--fake", "--sectors", "4096", "--sector", "3", "--from", file.toString(), "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("wrote 1.0 MiB at sector 3"), result.out());
        Cli.Result inspect = Cli.run("inspect", "--summary", trace.toString());
        assertTrue(inspect.out().contains("write virtio-blk@0x0a003e00 sector 2051, 52 sector(s)"), inspect.out());
        assertTrue(inspect.out().contains("flush virtio-blk@0x0a003e00"), inspect.out());
        assertTrue(inspect.out().contains("wait_all virtio-blk@0x0a003e00"), inspect.out());
        assertEquals(ExitCodes.OK, Cli.run("replay", trace.toString()).exitCode());
        assertEquals(ExitCodes.OK, Cli.run("replay", "--relaxed", trace.toString()).exitCode());
    }

    @Test
    void aFailedReadIsAProblemFoundAndNamed() {
        TransferOptions transfer = new TransferOptions();
        StringWriter out = new StringWriter();
        RunSummary summary = new RunSummary(0, 3, 1, 2 << 20, 0, Duration.ofMillis(5), List.of("virtio-blk@0x0a003e00"),
                List.of(new StepResult(0, "device 0", "", Optional.empty()), new StepResult(1, "stream read 0 6144",
                        "virtio-blk@0x0a003e00", Optional.of("call read 2048 2048 IO_ERROR: io error"))));
        assertEquals(ExitCodes.FOUND_PROBLEMS, transfer.report(new PrintWriter(out), "read", summary));
        assertTrue(out.toString().startsWith("step 'stream read 0 6144' failed: call read 2048 2048 IO_ERROR: io error\n"
                + "read 2 MiB at sector 0 of device 0 [virtio-blk@0x0a003e00] in 5 ms, 1 step(s) failed"), out.toString());
    }

    @Test
    void sectorsPastTheEndOfTheDeviceAreOneLineWithStatus2AndNothingIsAllocatedByTheCount() throws Exception {
        Path out = directory.resolve("out.bin");
        Path trace = directory.resolve("cat.trace.avro");
        Cli.Result huge = Cli.run("cat", "--fake", "--sector", "0", "--count", "99999999999", "--to", out.toString(),
                "-o", trace.toString());
        assertEquals(ExitCodes.BAD_INPUT, huge.exitCode(), huge.toString());
        assertEquals("vblk cat: sectors 0 to 99999999998 pass the end of device 0 virtio-blk@0x0a003e00: it has 2048 "
                + "sectors (1 MiB)", huge.err().strip());
        assertFalse(Files.exists(out), "nothing was read");
        assertFalse(Files.exists(trace), "no trace is left");

        Cli.Result oneOver = Cli.run("cat", "--fake", "--sector", "2047", "--count", "2", "--to", out.toString());
        assertEquals(ExitCodes.BAD_INPUT, oneOver.exitCode(), oneOver.toString());
        assertTrue(oneOver.err().contains("sectors 2047 to 2048 pass the end of device 0"), oneOver.err());

        Cli.Result largest = Cli.run("cat", "--fake", "--sector", "5", "--count", Long.toString(Long.MAX_VALUE));
        assertEquals(ExitCodes.BAD_INPUT, largest.exitCode(), largest.toString());
        assertEquals(1, largest.err().lines().count(), largest.err());
        assertTrue(largest.err().contains("passes the largest sector"), largest.err());

        Path data = Files.write(directory.resolve("data.bin"), new byte[16 * 512]);
        Cli.Result put = Cli.run("put", "--fake", "--sectors", "20", "--sector", "5", "--from", data.toString());
        assertEquals(ExitCodes.BAD_INPUT, put.exitCode(), put.toString());
        assertEquals("vblk put: sectors 5 to 20 pass the end of device 0 virtio-blk@0x0a003e00: it has 20 sectors "
                + "(10 KiB)", put.err().strip());

        Path workload = Files.writeString(directory.resolve("past.workload"), "stream read 2000 49\n");
        Cli.Result record = Cli.run("record", "--fake", "--workload", workload.toString(), "-o",
                directory.resolve("past.trace.avro").toString());
        assertEquals(ExitCodes.BAD_INPUT, record.exitCode(), record.toString());
        assertEquals("vblk record: 'stream read 2000 49' reaches sector 2048, past the end of virtio-blk@0x0a003e00, "
                + "which has 2048 sectors", record.err().strip());
    }

    @Test
    void inputsAreCheckedAndNeverWrittenOver() throws Exception {
        Path file = Files.write(directory.resolve("data.bin"), new byte[1000]);
        Cli.Result ragged = Cli.run("put", "--fake", "--sector", "0", "--from", file.toString());
        assertEquals(ExitCodes.BAD_INPUT, ragged.exitCode(), ragged.toString());
        assertTrue(ragged.err().contains("not a whole number of 512-byte sectors; pad it to 1024 bytes"), ragged.err());

        Path whole = Files.write(directory.resolve("whole.bin"), new byte[1024]);
        Cli.Result overInput = Cli.run("put", "--fake", "--sector", "0", "--from", whole.toString(), "-o", whole.toString());
        assertEquals(ExitCodes.BAD_INPUT, overInput.exitCode(), overInput.toString());
        assertTrue(overInput.err().contains("is the input"), overInput.err());

        Path same = directory.resolve("same");
        Cli.Result twice = Cli.run("cat", "--fake", "--sector", "0", "--count", "1", "--to", same.toString(), "-o",
                same.toString());
        assertEquals(ExitCodes.BAD_INPUT, twice.exitCode(), twice.toString());
        assertTrue(twice.err().contains("is also the output"), twice.err());

        Cli.Result none = Cli.run("cat", "--fake", "--sector", "0", "--count", "0");
        assertEquals(ExitCodes.BAD_INPUT, none.exitCode(), none.toString());
        assertEquals(1, none.err().lines().count(), none.err());
        Cli.Result missing = Cli.run("put", "--fake", "--sector", "0", "--from", directory.resolve("gone").toString());
        assertEquals(ExitCodes.BAD_INPUT, missing.exitCode(), missing.toString());
        assertTrue(missing.err().contains("does not exist"), missing.err());
    }

    /** A --pci image is an input too: put refuses to write it from itself; the fake has no PCI bus and takes no --packed. */
    @Test
    void pciImagesAreInputsAndPciAndPackedAreNotForTheFake() throws Exception {
        Path image = Files.write(directory.resolve("pci.img"), new byte[2048]);
        Cli.Result itself = Cli.run("put", "--pci", image.toString(), "--sector", "0", "--from", image.toString());
        assertEquals(ExitCodes.BAD_INPUT, itself.exitCode(), itself.toString());
        assertTrue(itself.err().contains("is the image " + image + " that is written"), itself.err());
        Cli.Result overImage = Cli.run("cat", "--pci", image.toString(), "--sector", "0", "--count", "1", "--to",
                image.toString());
        assertEquals(ExitCodes.BAD_INPUT, overImage.exitCode(), overImage.toString());
        assertTrue(overImage.err().contains("is the input"), overImage.err());
        for (String command : List.of("record", "cat", "put")) {
            List<String> args = new ArrayList<>(List.of(command, "--fake", "--pci", image.toString()));
            args.addAll(switch (command) {
                case "record" -> List.of("--preset", "write-read");
                case "cat" -> List.of("--sector", "0", "--count", "1");
                default -> List.of("--sector", "0", "--from", Files.write(directory.resolve("data.bin"), new byte[512]).toString());
            });
            Cli.Result fake = Cli.run(args.toArray(String[]::new));
            assertEquals(ExitCodes.BAD_INPUT, fake.exitCode(), fake.toString());
            assertEquals("vblk " + command + ": --fake has no PCI bus: leave out --pci", fake.err().strip());
        }
        Cli.Result packedFake = Cli.run("cat", "--fake", "--packed", "--sector", "0", "--count", "1");
        assertEquals(ExitCodes.BAD_INPUT, packedFake.exitCode(), packedFake.toString());
        assertTrue(packedFake.err().startsWith("vblk cat: --fake uses an in-memory disk"), packedFake.err());
    }

    @Test
    void aWorkloadStepSavesWhatItRead() throws Exception {
        Path workload = Files.writeString(directory.resolve("save.workload"),
                "read 10 2 save=saved.bin\nread 12 1 save=saved.bin\nread 0 1\n");
        Files.writeString(directory.resolve("saved.bin"), "old contents are replaced");
        Cli.Result result = Cli.run("record", "--fake", "--workload", workload.toString(), "-o",
                directory.resolve("t.trace.avro").toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertArrayEquals(NamedPattern.SIGNATURE.sectors(10, 3), Files.readAllBytes(directory.resolve("saved.bin")));

        Path overItself = Files.writeString(directory.resolve("self.workload"), "read 0 1 save=self.workload\n");
        Cli.Result refused = Cli.run("record", "--fake", "--workload", overItself.toString(), "-o",
                directory.resolve("u.trace.avro").toString());
        assertEquals(ExitCodes.BAD_INPUT, refused.exitCode(), refused.toString());
        assertTrue(refused.err().contains("is the input"), refused.err());
        assertFalse(Files.exists(directory.resolve("u.trace.avro")));
    }

    private static byte[] concatenated(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            var out = new java.io.ByteArrayOutputStream();
            for (Path file : files.sorted().toList()) {
                out.write(Files.readAllBytes(file));
            }
            return out.toByteArray();
        }
    }
}
