package dev.vblk.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.harness.SignedImages;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vblk record} on QEMU with blkdebug errors. */
@RequiresQemu
class RecordCommandQemuTest {

    @TempDir
    Path directory;

    @Test
    void errorOptionMakesTheRealDeviceFailReadsOfThatSector() {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        Path trace = directory.resolve("io.trace.avro");
        Cli.Result result = Cli.run("record", image.toString(), "--preset", "io-error", "--error", "read:9", "-o",
                trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("step 1 'read 9 1' failed: IO_ERROR: "), result.out());
        assertTrue(result.out().contains("step 5 'read 8 4' failed: IO_ERROR: "), result.out());
        assertTrue(result.out().contains("8 operations (2 failed)"), result.out());
        assertEquals("read_aio errno=5 sector=9 once=false",
                TraceReader.readComplete(trace).metadata().platform().get("drive.0.blkdebug"));
        assertEquals(ExitCodes.OK, Cli.run("replay", trace.toString()).exitCode(), "the new recording replays");
    }

    @Test
    void twoQueuesOnTheRealDeviceRecordAndReplay() {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        Path trace = directory.resolve("mq.trace.avro");
        Cli.Result result = Cli.run("record", image.toString(), "--preset", "known-sectors", "--device-property",
                "num-queues=2", "--drive-option", "aio=threads", "--drive-option", "cache=writeback", "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("8 operations (0 failed)"), result.out());
        Map<String, String> platform = TraceReader.readComplete(trace).metadata().platform();
        assertTrue(platform.get("qemu.command").contains("-global virtio-blk-device.num-queues=2"), platform.toString());
        assertTrue(platform.get("qemu.command").contains(",aio=threads,cache=writeback"), platform.toString());
        assertEquals("aio=threads,cache=writeback", platform.get("drive.0.options"));
        assertTrue(platform.get("qemu.version").startsWith("QEMU emulator version"), platform.toString());
        assertEquals(ExitCodes.OK, Cli.run("replay", trace.toString()).exitCode(), "the recording replays strictly");

        Cli.Result scan = Cli.run("scan", image.toString(), "--device-property", "num-queues=2");
        assertEquals(ExitCodes.OK, scan.exitCode(), scan.toString());
        assertTrue(scan.out().contains("|MQ|") || scan.out().contains("MQ|"), "two queues offer MQ: " + scan.out());
    }

    /** {@code --thread-per-queue} on QEMU's device of four queues: four threads recorded, replayed strictly. */
    @Test
    void aThreadPerQueueOnTheRealDeviceRecordsAndReplaysStrictly() throws Exception {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        StringBuilder text = new StringBuilder();
        for (int queue = 0; queue < 4; queue++) {
            text.append("queue ").append(queue).append('\n');
            for (int i = 0; i < 20; i++) {
                long sector = 1024 + queue * 128 + i * 4;
                text.append("write ").append(sector).append(" 4 pattern=complement\nread ").append(sector).append(" 4\n");
            }
            text.append("submit read ").append(queue * 8).append(" 8\nsubmit get-id\nwait\n");
        }
        Path workload = Files.writeString(directory.resolve("queues.workload"), text);
        Path trace = directory.resolve("threads.trace.avro");
        Cli.Result result = Cli.run("record", image.toString(), "--device-property", "num-queues=4", "--queues", "4",
                "--thread-per-queue", "--workload", workload.toString(), "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains((1 + 4 * 43) + " operations (0 failed)"), result.out());
        long threads = TraceReader.readComplete(trace).events().stream().filter(TraceEvent.ThreadSwitch.class::isInstance)
                .map(event -> ((TraceEvent.ThreadSwitch) event).thread()).distinct().count();
        assertEquals(4, threads, "four threads besides the discovery's");
        Cli.Result replay = Cli.run("replay", trace.toString());
        assertEquals(ExitCodes.OK, replay.exitCode(), replay.toString());
        assertTrue(replay.out().contains("REPRODUCED (173 of 173 operations"), replay.out());
    }

    @Test
    void blockdevDrivesOfTheUsersOwnRecordAndReplay() {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        Path trace = directory.resolve("blockdev.trace.avro");
        Cli.Result result = Cli.run("record", "--preset", "known-sectors",
                "--qemu-arg", "-blockdev", "--qemu-arg", "driver=file,filename=" + image + ",node-name=f0,aio=threads",
                "--qemu-arg", "-blockdev", "--qemu-arg", "driver=raw,file=f0,node-name=b0,cache.direct=off",
                "--qemu-arg", "-device", "--qemu-arg", "virtio-blk-device,drive=b0,num-queues=2", "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("8 operations (0 failed)"), result.out());
        assertTrue(TraceReader.readComplete(trace).metadata().platform().get("qemu.command")
                .contains("-blockdev driver=file,filename=" + image));
        assertEquals(ExitCodes.OK, Cli.run("replay", trace.toString()).exitCode(), "the recording replays strictly");
    }
    /** Every image named is bound (the guest RAM is sized for their buffer pools), up to the board's 32 slots. */
    @Test
    void thirtyTwoImagesAreThirtyTwoDevices() {
        List<String> args = new ArrayList<>(List.of("record", "--preset", "discovery", "-o",
                directory.resolve("many.trace.avro").toString()));
        for (int i = 0; i < 32; i++) {
            args.add(SignedImages.raw(directory, "d" + i + ".img", 2048).toString());
        }
        Cli.Result result = Cli.run(args.toArray(String[]::new));
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("on 32 device(s)"), result.out());
        String trace = directory.resolve("many.trace.avro").toString();
        assertEquals(ExitCodes.OK, Cli.run("replay", trace).exitCode(), "strictly");
        Cli.Result relaxed = Cli.run("replay", "--relaxed", trace);
        assertEquals(ExitCodes.OK, relaxed.exitCode(), "relaxed, on a fake machine with RAM for 32 devices: " + relaxed);
    }

    /** A 33rd image is bad input, on one line, before QEMU starts. */
    @Test
    void thirtyThreeImagesAreRefused() {
        List<String> args = new ArrayList<>(List.of("record", "--preset", "discovery"));
        for (int i = 0; i < 33; i++) {
            args.add(SignedImages.raw(directory, "d" + i + ".img", 8).toString());
        }
        Cli.Result tooMany = Cli.run(args.toArray(String[]::new));
        assertEquals(ExitCodes.BAD_INPUT, tooMany.exitCode(), tooMany.toString());
        assertEquals("vblk record: the virt machine has 32 virtio-mmio transports, not enough for 33 drives",
                tooMany.err().strip());
    }

    /** A device told packed=on gets a driver on the packed ring: the ring the user asked for is the one recorded. */
    @Test
    void packedOnRecordsThePackedRing() {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        Path trace = directory.resolve("packed.trace.avro");
        Cli.Result result = Cli.run("record", image.toString(), "--preset", "known-sectors", "--device-property", "packed=on",
                "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertEquals("true", TraceReader.readComplete(trace).metadata().board().get("driver.packedRing"));
        Cli.Result inspect = Cli.run("inspect", trace.toString());
        assertTrue(inspect.out().contains("(page 1: VERSION_1|RING_PACKED)"), "the driver accepted the packed ring");
        assertEquals(ExitCodes.OK, Cli.run("replay", trace.toString()).exitCode(), "the recording replays strictly");
    }

    /** A --pci image is a virtio-blk-pci function the driver finds on bus 0; the trace replays strictly and relaxed. */
    @Test
    void pciImageRecordsOverVirtioPciAndReplays() {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        Path trace = directory.resolve("pci.trace.avro");
        Cli.Result result = Cli.run("record", "--pci", image.toString(), "--preset", "write-read", "-o", trace.toString());
        assertEquals(ExitCodes.OK, result.exitCode(), result.toString());
        assertTrue(result.out().contains("(0 failed)"), result.out());
        var metadata = TraceReader.readComplete(trace).metadata();
        assertEquals("0x4010000000", metadata.board().get("pci.ecamBase"), metadata.board().toString());
        assertTrue(metadata.platform().get("qemu.command").contains("virtio-blk-pci"), metadata.platform().toString());
        assertEquals(ExitCodes.OK, Cli.run("replay", trace.toString()).exitCode(), "the recording replays strictly");
        Cli.Result relaxed = Cli.run("replay", "--relaxed", trace.toString());
        assertEquals(ExitCodes.OK, relaxed.exitCode(), relaxed.toString());
    }

    /** An error rule for a sector beyond the image could never fire: it is refused before QEMU starts. */
    @Test
    void anErrorBeyondTheImageIsRefused() {
        Path image = SignedImages.raw(directory, "disk.img", 2048);
        Cli.Result result = Cli.run("record", image.toString(), "--preset", "io-error", "--error", "read:2048", "-o",
                directory.resolve("e.trace.avro").toString());
        assertEquals(ExitCodes.BAD_INPUT, result.exitCode(), result.toString());
        assertEquals("vblk record: --error sector 2048 is beyond disk image " + image + " (2048 sectors, 0 to 2047): the "
                + "error could never happen", result.err().strip());
    }
}
