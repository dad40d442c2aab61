package dev.vblk.fake.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.fake.disk.InMemoryDisk;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;

/**
 * Several threads, each driving its own queue of one fake device through one FakePlatform. The run
 * repeats because a race shows only in some interleavings.
 */
class ConcurrentQueuesTest {

    private static final int QUEUES = 4;
    private static final int ROUNDS = 200;
    private static final int SECTORS_PER_QUEUE = 16;

    private static byte[] pattern(int queue, int round) {
        byte[] bytes = new byte[512];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) (i * 3 + queue * 41 + round * 17);
        }
        return bytes;
    }

    /** Writes a sector of its own, reads it back, and checks status, data and its own used ring. */
    private static Void drive(RegisterLevelDriver queue, CyclicBarrier start) throws Exception {
        start.await(10, TimeUnit.SECONDS);
        for (int round = 0; round < ROUNDS; round++) {
            long sector = (long) queue.queueIndex * SECTORS_PER_QUEUE + round % SECTORS_PER_QUEUE;
            byte[] data = pattern(queue.queueIndex, round);
            RegisterLevelDriver.Submitted write = queue.writeSectors(sector, data);
            RegisterLevelDriver.Submitted read = queue.readSectors(sector, 1);
            String where = "queue " + queue.queueIndex + " round " + round;
            assertEquals(VirtioBlk.S_OK, queue.status(write), where);
            assertEquals(VirtioBlk.S_OK, queue.status(read), where);
            assertArrayEquals(data, queue.data(read, 512), where);
            assertEquals((2 * round + 2) & 0xffff, queue.usedIdx(), where);
            assertEquals(write.head(), queue.usedId(2 * round), where);
            assertEquals(read.head(), queue.usedId(2 * round + 1), where);
            assertEquals(513, queue.usedLen(2 * round + 1), where);
        }
        return null;
    }

    @RepeatedTest(8)
    void fourThreadsOnFourQueuesKeepEveryRequestAndEveryRingIntact() throws Exception {
        InMemoryDisk disk = InMemoryDisk.ofSectors(QUEUES * SECTORS_PER_QUEUE);
        RegisterLevelDriver first = RegisterLevelDriver.ready(FakeBlkConfig.builder().disk(disk).numQueues(QUEUES).build(),
                VirtioBlk.bit(VirtioBlk.F_MQ));
        List<RegisterLevelDriver> queues = new ArrayList<>(List.of(first));
        for (int index = 1; index < QUEUES; index++) {
            queues.add(first.onQueue(index, 16));
        }
        CyclicBarrier start = new CyclicBarrier(QUEUES);
        ExecutorService threads = Executors.newFixedThreadPool(QUEUES);
        try {
            List<Future<Void>> results = new ArrayList<>();
            for (RegisterLevelDriver queue : queues) {
                results.add(threads.submit(() -> drive(queue, start)));
            }
            for (Future<Void> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertEquals(2L * QUEUES * ROUNDS, first.device.requestsDecoded());
        assertEquals(List.of(), first.platform.violations());
        for (int queue = 0; queue < QUEUES; queue++) {
            for (int sector = 0; sector < SECTORS_PER_QUEUE; sector++) {
                byte[] stored = new byte[512];
                disk.read((queue * SECTORS_PER_QUEUE + sector) * 512L, stored, 0, stored.length);
                int lastRound = ROUNDS - SECTORS_PER_QUEUE + (sector - ROUNDS % SECTORS_PER_QUEUE + SECTORS_PER_QUEUE)
                        % SECTORS_PER_QUEUE;
                assertArrayEquals(pattern(queue, lastRound), stored, "queue " + queue + " sector " + sector);
            }
        }
    }
}
