package dev.vblk.qemu.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.Completion;
import dev.vblk.block.RequestHandle;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.pci.PciAddress;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.CompletionMode;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.blk.VirtioBlkQueue;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The driver on QEMU's device with {@code num-queues=4}: VIRTIO_BLK_F_MQ negotiated, one ring per
 * queue, and several threads submitting and completing at once, each request completed once with its
 * own data; reads of a signed image and writes read back, on the split and the packed ring, and on a
 * virtio-blk-pci function.
 */
@RequiresQemu
class QemuMultiQueueTest {

    private static final int SECTORS = 4096;

    @TempDir
    Path directory;

    @ParameterizedTest
    @CsvSource({"INTERRUPTS, false, 8", "POLLING, false, 4", "INTERRUPTS, true, 8"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void threadsOnFourQueuesEachGetTheirOwnData(CompletionMode mode, boolean packed, int threads) throws Exception {
        DriverOptions options = DriverOptions.DEFAULTS.withMaxQueues(4).withCompletion(mode).withPackedRing(packed);
        try (QemuMachine machine = QemuMachine.start(config(4, packed))) {
            VirtioBlkDevice device = open(machine, options);
            assertEquals(packed, FeatureBits.has(device.negotiatedFeatures(), FeatureBits.RING_PACKED));
            runThreads(device, threads);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void fourThreadsOnFourQueuesOfAPciFunction() throws Exception {
        try (QemuMachine machine = QemuMachine.start(QemuConfig.builder()
                .pciDrive(DriveConfig.raw(DiskImages.raw(directory, "mq-pci.img", SECTORS)))
                .extraArgs("-global", "virtio-blk-pci.num-queues=4").build())) {
            PciReport report = new PciScanner(machine.platform(), PciHostBridge.QEMU_VIRT,
                    DriverOptions.DEFAULTS.withMaxQueues(4)).probe(new PciAddress(0, 1, 0));
            VirtioBlkDevice device = assertInstanceOf(PciReport.BoundBlockDevice.class, report, report.toString()).device();
            runThreads(device, 4);
        }
    }

    /** Runs {@link #work} on {@code threads} threads, thread t on queue t mod 4, and checks that all is well after. */
    private static void runThreads(VirtioBlkDevice device, int threads) throws Exception {
        assertTrue(FeatureBits.has(device.negotiatedFeatures(), BlkFeatures.MQ));
        assertEquals(4, device.queueCount());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> work(device.queue(thread % 4), thread, threads)));
            }
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(100, TimeUnit.SECONDS);
            }
            assertEquals(threads * 20 * 9, total);
        } finally {
            pool.shutdownNow();
        }
        for (int q = 0; q < 4; q++) {
            assertEquals(0, device.queue(q).outstanding());
        }
        assertFalse(device.fatalError().isPresent());
    }

    @Test
    void theOptionsCapTheQueuesAndOneQueueLeavesMqAlone() throws IOException {
        try (QemuMachine machine = QemuMachine.start(config(4, false))) {
            VirtioBlkDevice two = open(machine, DriverOptions.DEFAULTS.withMaxQueues(2));
            assertEquals(2, two.queueCount());
            byte[] sector = new byte[512];
            two.queue(1).readAt(7, sector);
            assertArrayEquals(DiskImages.signature(7), sector);
            two.close();
            VirtioBlkDevice one = open(machine, DriverOptions.DEFAULTS);
            assertFalse(FeatureBits.has(one.negotiatedFeatures(), BlkFeatures.MQ));
            assertEquals(1, one.queueCount());
            one.readAt(9, sector);
            assertArrayEquals(DiskImages.signature(9), sector);
        }
    }

    /**
     * Twenty rounds of eight reads in flight and one write read back, on a sector range of the
     * thread's own; the number of requests that completed well.
     */
    private static int work(VirtioBlkQueue queue, int thread, int threads) {
        int completed = 0;
        long ownFirst = SECTORS / 2 + (long) thread * (SECTORS / 2 / threads);
        for (int round = 0; round < 20; round++) {
            List<RequestHandle> handles = new ArrayList<>();
            List<byte[]> buffers = new ArrayList<>();
            List<Long> firsts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                long first = (thread * 131L + round * 17L + i * 37L) % (SECTORS / 2 - 8);
                byte[] buffer = new byte[(i % 4 + 1) * 512];
                handles.add(queue.submitRead(first, buffer));
                buffers.add(buffer);
                firsts.add(first);
            }
            byte[] written = new byte[2 * 512];
            Arrays.fill(written, (byte) (thread * 16 + round));
            long target = ownFirst + round % 8 * 2;
            handles.add(queue.submitWrite(target, written));
            List<Completion> completions = queue.awaitAll(handles, AsyncBlockDevice.NO_TIME_BUDGET);
            Set<RequestHandle> seen = new HashSet<>();
            for (Completion completion : completions) {
                assertInstanceOf(Completion.Succeeded.class, completion, completion.toString());
                assertTrue(seen.add(completion.handle()), "completed twice: " + completion);
                assertTrue(handles.contains(completion.handle()), "another queue's completion: " + completion);
                completed++;
            }
            assertEquals(handles.size(), completions.size());
            for (int i = 0; i < buffers.size(); i++) {
                for (int s = 0; s < buffers.get(i).length / 512; s++) {
                    assertArrayEquals(DiskImages.signature(firsts.get(i) + s),
                            Arrays.copyOfRange(buffers.get(i), s * 512, s * 512 + 512),
                            "thread " + thread + " round " + round + " read " + i + " sector " + s);
                }
            }
            byte[] back = new byte[written.length];
            queue.readAt(target, back);
            assertArrayEquals(written, back, "thread " + thread + " round " + round + " write");
        }
        return completed;
    }

    private QemuConfig config(int queues, boolean packed) throws IOException {
        QemuConfig.Builder config = QemuConfig.builder()
                .drive(DriveConfig.raw(DiskImages.raw(directory, "mq.img", SECTORS)))
                .extraArgs("-global", "virtio-blk-device.num-queues=" + queues);
        if (packed) {
            config.extraArgs("-global", "virtio-blk-device.packed=on");
        }
        return config.build();
    }

    private static VirtioBlkDevice open(QemuMachine machine, DriverOptions options) {
        var attached = machine.drive(0);
        return VirtioBlkDevice.open(machine.platform(),
                new MmioSlot(attached.slot(), attached.transportAddress(), attached.interruptLine()), options);
    }
}
