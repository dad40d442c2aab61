package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.harness.SignedImages;
import dev.vblk.qemu.QemuBinary;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.trace.TraceReader;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code record --attach} and {@code scan --attach}: a QEMU started as a user would start it, driven and left running. */
@RequiresQemu
class AttachQemuTest {

    @TempDir
    Path directory;

    private final List<Process> started = new ArrayList<>();
    private Path ramFile;

    @AfterEach
    void endQemu() throws Exception {
        for (Process qemu : started) {
            qemu.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (ramFile != null) {
            Files.deleteIfExists(ramFile);
        }
    }

    /** Starts QEMU with the command line docs/qemu.md gives, with or without shared RAM, and waits for its sockets. */
    private Process userQemu(Path image, boolean sharedRam) throws Exception {
        List<String> command = new ArrayList<>(List.of(QemuBinary.locate(null).path().toString(),
                "-M", sharedRam ? "virt,memory-backend=ram" : "virt", "-S", "-display", "none", "-nodefaults", "-m", "64M",
                "-global", "virtio-mmio.force-legacy=false",
                "-drive", "file=" + image + ",if=none,id=d0,format=raw", "-device", "virtio-blk-device,drive=d0",
                "-qtest", "unix:" + directory.resolve("qtest.sock") + ",server=on,wait=off", "-qtest-log", "none",
                "-qmp", "unix:" + directory.resolve("qmp.sock") + ",server=on,wait=off"));
        if (sharedRam) {
            ramFile = Path.of("/dev/shm/vblk-attach-test-" + ProcessHandle.current().pid());
            command.addAll(List.of("-object", "memory-backend-file,id=ram,size=64M,mem-path=" + ramFile + ",share=on"));
        }
        Process qemu = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(directory.resolve("qemu.log").toFile()).start();
        started.add(qemu);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(directory.resolve("qtest.sock")) && Files.exists(directory.resolve("qmp.sock")))) {
            assertTrue(qemu.isAlive() && System.nanoTime() < deadline, "QEMU did not start: "
                    + (Files.exists(directory.resolve("qemu.log")) ? Files.readString(directory.resolve("qemu.log")) : ""));
            Thread.sleep(20);
        }
        return qemu;
    }

    @Test
    void aUserStartedQemuIsRecordedLeftRunningAndTheTraceReplaysStrictly() throws Exception {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        Process qemu = userQemu(image, true);
        Path trace = directory.resolve("attached.trace.avro");
        Cli.Result result = Cli.run("record", "--attach", directory.resolve("qtest.sock").toString(), "--qmp",
                directory.resolve("qmp.sock").toString(), "--shared-ram", ramFile.toString(), "--preset", "known-sectors",
                "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("8 operations (0 failed)"), result.out());
        assertTrue(qemu.isAlive(), "vblk leaves the QEMU it did not start running");

        Map<String, String> platform = TraceReader.readComplete(trace).metadata().platform();
        assertEquals(directory.resolve("qtest.sock").toAbsolutePath().toString(), platform.get("qemu.attached"));
        assertTrue(platform.get("qemu.version").startsWith("QEMU emulator version "), platform.toString());
        assertTrue(platform.get("qemu.command").contains("file=" + image + ",if=none,id=d0"), platform.toString());
        assertEquals(Long.toString(64L << 20), platform.get("qemu.ramBytes"));
        Cli.Result replay = Cli.run("replay", trace.toString());
        assertEquals(ExitCodes.OK, replay.exitCode(), replay.toString());
        assertTrue(replay.out().contains("REPRODUCED (8 of 8 operations"), replay.out());

        Cli.Result again = Cli.run("scan", "--attach", directory.resolve("qtest.sock").toString(), "--qmp",
                directory.resolve("qmp.sock").toString());
        assertEquals(ExitCodes.OK, again.exitCode(), "a second attach, over qtest memory: " + again);
        assertTrue(again.out().contains("31    0x0a003e00  block         2048 (1 MiB)"), again.out());
        assertTrue(qemu.isAlive());
    }

    @Test
    void aFileThatIsNotTheMachinesRamIsRefused() throws Exception {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        userQemu(image, false);
        Path other = Files.write(directory.resolve("other.ram"), new byte[64 << 20]);
        Cli.Result result = Cli.run("scan", "--attach", directory.resolve("qtest.sock").toString(), "--qmp",
                directory.resolve("qmp.sock").toString(), "--shared-ram", other.toString());
        assertEquals(ExitCodes.PLATFORM_UNAVAILABLE, result.exitCode(), result.toString());
        assertTrue(result.err().contains("is not this machine's RAM"), result.err());
    }

    @Test
    void aRunningVcpuIsRefused() throws Exception {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        userQemu(image, false);
        try (SocketChannel qmp = SocketChannel.open(UnixDomainSocketAddress.of(directory.resolve("qmp.sock")))) {
            qmp.write(ByteBuffer.wrap("{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"cont\"}\n"
                    .getBytes(StandardCharsets.UTF_8)));
            StringBuilder replies = new StringBuilder();
            ByteBuffer buffer = ByteBuffer.allocate(4096);
            while (replies.toString().split("\"return\"", -1).length < 3 && qmp.read(buffer.clear()) > 0) {
                replies.append(StandardCharsets.UTF_8.decode(buffer.flip()));
            }
        }
        Cli.Result result = Cli.run("scan", "--attach", directory.resolve("qtest.sock").toString(), "--qmp",
                directory.resolve("qmp.sock").toString());
        assertEquals(ExitCodes.PLATFORM_UNAVAILABLE, result.exitCode(), result.toString());
        assertTrue(result.err().contains("start it with -S"), result.err());
    }
}
