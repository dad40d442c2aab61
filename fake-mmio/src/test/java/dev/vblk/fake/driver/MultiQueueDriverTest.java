package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.FakeVirtioBlkDevice;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.CompletionMode;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.blk.VirtioBlkQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The driver's request queues on the fake device with VIRTIO_BLK_F_MQ: how many it sets up, handles
 * numbered across queues, queues that complete independently (one stalled, one whose completions
 * land on another queue), and threads submitting on every queue at once.
 */
class MultiQueueDriverTest {

    private static final int SECTORS = 1024;
    private static final DriverOptions FOUR = DriverOptions.DEFAULTS.withMaxQueues(4)
            .withRequestTimeoutNanos(50_000_000L);

    private record Rig(FakePlatform machine, FakeVirtioBlkDevice fake, MmioSlot slot) {
        VirtioBlkDevice open(DriverOptions options) {
            return VirtioBlkDevice.open(machine, slot, options);
        }
    }

    private static Rig rig(int queues) {
        InMemoryDisk disk = PatternedDisk.of(SECTORS);
        FakePlatform machine = FakePlatform.create();
        FakeVirtioBlkDevice fake = machine.attachBlockDevice(FakeBlkConfig.builder().numQueues(queues).disk(disk).build());
        int slot = FakePlatform.SLOTS - 1;
        return new Rig(machine, fake, new MmioSlot(slot, FakePlatform.slotAddress(slot), machine.interruptLine(slot)));
    }

    @Test
    void theDriverSetsUpAsManyQueuesAsTheDeviceAndTheOptionsAllow() {
        assertEquals(4, rig(4).open(FOUR).queueCount());
        assertEquals(2, rig(2).open(FOUR).queueCount());
        assertEquals(3, rig(8).open(DriverOptions.DEFAULTS.withMaxQueues(3)).queueCount());
        VirtioBlkDevice single = rig(4).open(DriverOptions.DEFAULTS);
        assertEquals(1, single.queueCount());
        assertFalse(FeatureBits.has(single.negotiatedFeatures(), BlkFeatures.MQ),
                "one queue allowed: MQ is not accepted, so the register traffic is as before multi-queue");
        assertTrue(FeatureBits.has(rig(4).open(FOUR).negotiatedFeatures(), BlkFeatures.MQ));
    }

    @Test
    void aDeviceOfferingMqWithNoQueuesIsRefused() {
        Rig rig = rig(4);
        rig.fake().faults().overrideNumQueues(0);
        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> rig.open(FOUR));
        assertEquals(ErrorKind.PROTOCOL_VIOLATION, error.kind());
        assertTrue(error.getMessage().contains("num_queues 0"), error.getMessage());
    }

    @Test
    void handlesAreNumberedAcrossQueuesAndEachQueueReadsItsOwnData() {
        VirtioBlkDevice device = rig(4).open(FOUR);
        List<RequestHandle> handles = new ArrayList<>();
        List<byte[]> buffers = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int q = 0; q < 4; q++) {
                byte[] buffer = new byte[512 * (q + 1)];
                handles.add(device.queue(q).submitRead(q * 10 + round, buffer));
                buffers.add(buffer);
            }
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), handles.stream().map(RequestHandle::id).toList());
        for (int q = 0; q < 4; q++) {
            VirtioBlkQueue queue = device.queue(q);
            List<RequestHandle> own = List.of(handles.get(q), handles.get(q + 4));
            List<Completion> completions = queue.awaitAll(own, AsyncBlockDevice.NO_TIME_BUDGET);
            assertEquals(own, completions.stream().map(Completion::handle).sorted(
                    (a, b) -> Long.compare(a.id(), b.id())).toList());
            assertEquals(0, queue.outstanding());
        }
        for (int i = 0; i < handles.size(); i++) {
            int q = i % 4;
            assertArrayEquals(PatternedDisk.expected(q * 10 + i / 4, q + 1), buffers.get(i), "read " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"INTERRUPTS", "POLLING"})
    void aStalledQueueTimesOutWhileTheOthersComplete(CompletionMode mode) {
        Rig rig = rig(4);
        rig.fake().faults().stalledQueue(2);
        VirtioBlkDevice device = rig.open(FOUR.withCompletion(mode));
        byte[] fine = new byte[512];
        device.queue(1).readAt(5, fine);
        assertArrayEquals(PatternedDisk.expected(5, 1), fine);
        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.queue(2).readAt(6, new byte[512]));
        assertEquals(ErrorKind.TIMEOUT, error.kind());
        BlockDeviceException refused = assertThrows(BlockDeviceException.class,
                () -> device.queue(3).readAt(7, new byte[512]));
        assertEquals(ErrorKind.TIMEOUT, refused.kind(), "a timeout on one queue makes the device unusable on all");
        device.reset();
        rig.fake().faults().clearQueueFaults();
        device.queue(2).readAt(6, fine);
        assertArrayEquals(PatternedDisk.expected(6, 1), fine);
    }

    @Test
    void aCompletionOnAnotherQueueIsNeverTakenAsThatQueuesOwn() {
        Rig rig = rig(4);
        rig.fake().faults().misrouteCompletions(1, 0);
        VirtioBlkDevice device = rig.open(FOUR);
        byte[] first = new byte[512];
        RequestHandle onZero = device.queue(0).submitRead(3, first);
        byte[] second = new byte[512];
        RequestHandle onOne = device.queue(1).submitRead(9, second);
        List<Completion> zero = device.queue(0).awaitAll(List.of(onZero), AsyncBlockDevice.NO_TIME_BUDGET);
        List<Completion> one = device.queue(1).awaitAll(List.of(onOne), AsyncBlockDevice.NO_TIME_BUDGET);
        assertEquals(1, zero.size());
        assertEquals(1, one.size());
        if (zero.get(0) instanceof Completion.Succeeded) {
            assertArrayEquals(PatternedDisk.expected(3, 1), first, "queue 0's read completed with its own data");
        } else {
            assertEquals(ErrorKind.PROTOCOL_VIOLATION, ((Completion.Failed) zero.get(0)).error().kind(),
                    "a used element queue 0 never made available is a violation");
        }
        Completion lost = one.get(0);
        assertInstanceOf(Completion.Failed.class, lost, "queue 1's completion went to queue 0's ring: " + lost);
        assertFalse(Arrays.equals(PatternedDisk.expected(3, 1), second), "queue 1's buffer never received queue 0's data");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void eightThreadsOnFourQueuesEachGetTheirOwnData() throws Exception {
        VirtioBlkDevice device = rig(4).open(FOUR.withRequestTimeoutNanos(5_000_000_000L));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> work(device.queue(thread % 4), thread)));
            }
            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(50, TimeUnit.SECONDS);
            }
            assertEquals(8 * 50 * 9, total);
        } finally {
            pool.shutdownNow();
        }
        assertFalse(device.fatalError().isPresent());
    }

    /** Fifty rounds of eight reads in flight and a write read back on the thread's own sectors. */
    private static int work(VirtioBlkQueue queue, int thread) {
        int completed = 0;
        long own = SECTORS / 2 + thread * 32L;
        for (int round = 0; round < 50; round++) {
            List<RequestHandle> handles = new ArrayList<>();
            List<byte[]> buffers = new ArrayList<>();
            List<Long> firsts = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                long first = (thread * 131L + round * 17L + i * 37L) % (SECTORS / 2 - 4);
                byte[] buffer = new byte[(i % 4 + 1) * 512];
                handles.add(queue.submitRead(first, buffer));
                buffers.add(buffer);
                firsts.add(first);
            }
            byte[] written = new byte[1024];
            Arrays.fill(written, (byte) (thread * 16 + round));
            long target = own + round % 16 * 2;
            handles.add(queue.submitWrite(target, written));
            List<Completion> completions = queue.awaitAll(handles, AsyncBlockDevice.NO_TIME_BUDGET);
            assertEquals(handles.size(), completions.size());
            for (Completion completion : completions) {
                assertInstanceOf(Completion.Succeeded.class, completion, completion.toString());
                assertTrue(handles.contains(completion.handle()), "another queue's completion: " + completion);
                completed++;
            }
            for (int i = 0; i < buffers.size(); i++) {
                assertArrayEquals(PatternedDisk.expected(firsts.get(i), buffers.get(i).length / 512), buffers.get(i),
                        "thread " + thread + " round " + round + " read " + i);
            }
            byte[] back = new byte[written.length];
            queue.readAt(target, back);
            assertArrayEquals(written, back, "thread " + thread + " round " + round + " write");
        }
        return completed;
    }
}
