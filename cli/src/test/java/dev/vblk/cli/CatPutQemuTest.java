package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.harness.SignedImages;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.trace.TraceReader;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk put} then {@code vblk cat} of 5 MiB at an odd sector on QEMU's real device, and extract of the recording. */
@RequiresQemu
class CatPutQemuTest {

    private static final int SECTOR = 17;
    private static final int BYTES = 5 << 20;

    @TempDir
    Path directory;

    @Test
    void fiveMebibytesRoundTripThroughTheImageAndTheTrace() throws Exception {
        Path image = SignedImages.raw(directory, "disk.img", 16384);
        byte[] data = new byte[BYTES];
        new Random(14).nextBytes(data);
        Path file = Files.write(directory.resolve("data.bin"), data);

        Path putTrace = directory.resolve("put.trace.avro");
        Cli.Result put = Cli.run("put", image.toString(), "--sector", Integer.toString(SECTOR), "--from", file.toString(),
                "-o", putTrace.toString());
        assertEquals(ExitCodes.OK, put.exitCode(), put.toString());
        assertEquals(0, cmp("-i", "0:" + SECTOR * 512, "-n", Integer.toString(BYTES), file.toString(), image.toString()),
                "cmp finds the file's bytes in the image at sector " + SECTOR);

        Path out = directory.resolve("out.bin");
        Path catTrace = directory.resolve("cat.trace.avro");
        Cli.Result cat = Cli.run("cat", image.toString(), "--sector", Integer.toString(SECTOR), "--count",
                Integer.toString(BYTES / 512), "--to", out.toString(), "-o", catTrace.toString());
        assertEquals(ExitCodes.OK, cat.exitCode(), cat.toString());
        assertEquals(0, cmp(file.toString(), out.toString()), "cat gives back what put wrote");

        Path reads = directory.resolve("reads");
        Cli.Result extract = Cli.run("extract", catTrace.toString(), "-o", reads.toString());
        assertEquals(ExitCodes.OK, extract.exitCode(), extract.toString());
        assertTrue(extract.out().contains("5 read operation(s) extracted, 0 not matching"), extract.out());
        assertArrayEquals(data, concatenated(reads), "the recording holds the same bytes");

        assertEquals(ExitCodes.OK, Cli.run("replay", putTrace.toString(), catTrace.toString()).exitCode(),
                "both recordings replay strictly");
        Cli.Result relaxed = Cli.run("replay", "--relaxed", putTrace.toString(), catTrace.toString());
        assertEquals(ExitCodes.OK, relaxed.exitCode(), relaxed.toString());
    }

    /** put and cat with --pci move the bytes through a virtio-blk-pci function, recorded and replayed. */
    @Test
    void putAndCatOverPciMoveTheFilesBytes() throws Exception {
        Path mmio = SignedImages.raw(directory, "mmio.img", 2048);
        Path image = SignedImages.raw(directory, "pci.img", 4096);
        byte[] data = new byte[1 << 20];
        new Random(16).nextBytes(data);
        Path file = Files.write(directory.resolve("data.bin"), data);

        Path putTrace = directory.resolve("put.trace.avro");
        Cli.Result put = Cli.run("put", mmio.toString(), "--pci", image.toString(), "--device", "1", "--sector",
                Integer.toString(SECTOR), "--from", file.toString(), "-o", putTrace.toString());
        assertEquals(ExitCodes.OK, put.exitCode(), put.toString());
        assertEquals(0, cmp("-i", "0:" + SECTOR * 512, "-n", Integer.toString(data.length), file.toString(), image.toString()),
                "cmp finds the file's bytes in the PCI image at sector " + SECTOR);
        assertArrayEquals(Files.readAllBytes(SignedImages.raw(directory, "fresh.img", 2048)), Files.readAllBytes(mmio),
                "the virtio-mmio image is left as it was");

        Path out = directory.resolve("out.bin");
        Path catTrace = directory.resolve("cat.trace.avro");
        Cli.Result cat = Cli.run("cat", "--pci", image.toString(), "--sector", Integer.toString(SECTOR), "--count",
                Integer.toString(data.length / 512), "--to", out.toString(), "-o", catTrace.toString());
        assertEquals(ExitCodes.OK, cat.exitCode(), cat.toString());
        assertEquals(0, cmp(file.toString(), out.toString()), "cat over PCI gives back what put wrote");

        assertEquals(ExitCodes.OK, Cli.run("replay", putTrace.toString(), catTrace.toString()).exitCode(),
                "both recordings replay strictly");
        Cli.Result relaxed = Cli.run("replay", "--relaxed", putTrace.toString(), catTrace.toString());
        assertEquals(ExitCodes.OK, relaxed.exitCode(), relaxed.toString());
    }

    /** put and cat with --packed run the driver on the packed ring, over virtio-mmio and over PCI alike. */
    @Test
    void putAndCatWithPackedUseThePackedRing() throws Exception {
        Path image = SignedImages.raw(directory, "disk.img", 4096);
        byte[] data = new byte[1 << 20];
        new Random(17).nextBytes(data);
        Path file = Files.write(directory.resolve("data.bin"), data);

        Path putTrace = directory.resolve("put.trace.avro");
        Cli.Result put = Cli.run("put", image.toString(), "--packed", "--sector", Integer.toString(SECTOR), "--from",
                file.toString(), "-o", putTrace.toString());
        assertEquals(ExitCodes.OK, put.exitCode(), put.toString());
        assertEquals(0, cmp("-i", "0:" + SECTOR * 512, "-n", Integer.toString(data.length), file.toString(), image.toString()),
                "cmp finds the file's bytes in the image at sector " + SECTOR);

        Path out = directory.resolve("out.bin");
        Path catTrace = directory.resolve("cat.trace.avro");
        Cli.Result cat = Cli.run("cat", "--pci", image.toString(), "--packed", "--sector", Integer.toString(SECTOR),
                "--count", Integer.toString(data.length / 512), "--to", out.toString(), "-o", catTrace.toString());
        assertEquals(ExitCodes.OK, cat.exitCode(), cat.toString());
        assertEquals(0, cmp(file.toString(), out.toString()), "cat on the packed ring gives back what put wrote");

        for (Path trace : List.of(putTrace, catTrace)) {
            var metadata = TraceReader.readComplete(trace).metadata();
            assertEquals("true", metadata.board().get("driver.packedRing"), trace.toString());
            assertTrue(metadata.platform().get("qemu.command").contains("-global virtio-blk-device.packed=on"),
                    metadata.platform().toString());
        }
        Cli.Result inspect = Cli.run("inspect", putTrace.toString());
        assertTrue(inspect.out().contains("(page 1: VERSION_1|RING_PACKED)"), "the driver accepted the packed ring");
        assertEquals(ExitCodes.OK, Cli.run("replay", putTrace.toString(), catTrace.toString()).exitCode(),
                "both recordings replay strictly");
        Cli.Result relaxed = Cli.run("replay", "--relaxed", putTrace.toString(), catTrace.toString());
        assertEquals(ExitCodes.OK, relaxed.exitCode(), relaxed.toString());
    }

    /**
     * A cat of 192 MiB runs in a 64 MiB heap: the command holds the calls in flight, not the range
     * (nor a workload line for each MiB of it).
     */
    @Test
    void catStreamsARangeLargerThanItsHeap() throws Exception {
        int sectors = 192 * 2048;
        Path image = directory.resolve("large.img");
        byte[] head = new byte[1 << 20];
        new Random(15).nextBytes(head);
        try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
            file.setLength((long) sectors * 512);
            file.write(head);
            file.seek((long) sectors * 512 - head.length);
            file.write(head);
        }
        Path out = directory.resolve("large.out");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), Vblk.class.getName(), "cat", image.toString(), "--sector", "0",
                "--count", Integer.toString(sectors), "--to", out.toString())
                .redirectErrorStream(true).redirectOutput(directory.resolve("cat.log").toFile()).start();
        assertEquals(0, process.waitFor(), Files.readString(directory.resolve("cat.log")));
        assertEquals(0, cmp(image.toString(), out.toString()), "cat gives back the image");
    }

    private static int cmp(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "cmp";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command).inheritIO().start();
        return process.waitFor();
    }

    private static byte[] concatenated(Path folder) throws Exception {
        try (var files = Files.list(folder)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (Path file : files.sorted().toList()) {
                out.write(Files.readAllBytes(file));
            }
            return out.toByteArray();
        }
    }
}
