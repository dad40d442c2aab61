package dev.vblk.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.CompletionBatching;
import dev.vblk.fake.blk.DeviceFaults;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Several threads, each on a request queue of its own choosing, against a fake device with
 * VIRTIO_BLK_F_MQ that misbehaves per queue: a queue it never serves, completions it puts in another
 * queue's used ring, completions it holds back and releases in batches. Whatever it does, every call
 * returns or fails with a {@link BlockDeviceException}; no call on a queue whose completions never
 * reach it succeeds; no read returns other data than the thread last wrote there (or the disk held);
 * and on a device whose only fault is batching, every call succeeds. The interleaving of the threads
 * is the machine's, so a failure names its plan, not a seed that replays it call for call.
 */
class ConcurrentQueuesFuzzProperties {

    private static final int SECTORS = 1024;
    private static final int SECTORS_PER_THREAD = 64;
    private static final long TIMEOUT_NANOS = 20_000_000L;

    /**
     * What one run does.
     *
     * @param queues the device's request queues, all set up by the driver
     * @param threads submitting threads, thread {@code t} on queue {@code t % queues}
     * @param stalled the queue the device never serves, or -1
     * @param misrouteFrom the queue whose completions go to {@code misrouteTo}'s used ring, or -1
     * @param misrouteTo see {@code misrouteFrom}
     * @param batch completions held back in batches of this many (1: none), released in reverse
     *     order or after a fifth of the timeout
     * @param calls calls per thread: writes of 8 sectors of its own, each read back
     */
    record Plan(int queues, int threads, int stalled, int misrouteFrom, int misrouteTo, int batch, int calls) {
        boolean faithful() {
            return stalled < 0 && misrouteFrom < 0;
        }

        /** Whether the device never completes a request of {@code queue} on that queue's own ring. */
        boolean neverCompletes(int queue) {
            return queue == stalled || queue == misrouteFrom && misrouteTo != misrouteFrom;
        }
    }

    @Property(tries = 200)
    void threadsOnHostileQueuesNeverGetAnotherRequestsCompletion(@ForAll("plans") Plan plan) throws Exception {
        InMemoryDisk disk = InMemoryDisk.ofSectors(SECTORS);
        byte[] initial = new byte[SECTORS * 512];
        for (int i = 0; i < initial.length; i++) {
            initial[i] = (byte) (i / 512 * 7 + i);
        }
        disk.write(0, initial, 0, initial.length);
        FakePlatform machine = FakePlatform.create();
        DeviceFaults faults = machine.attachBlockDevice(FakeBlkConfig.builder().numQueues(plan.queues()).disk(disk).build())
                .faults();
        if (plan.stalled() >= 0) {
            faults.stalledQueue(plan.stalled());
        }
        if (plan.misrouteFrom() >= 0) {
            faults.misrouteCompletions(plan.misrouteFrom(), plan.misrouteTo());
        }
        if (plan.batch() > 1) {
            faults.batchCompletions(CompletionBatching.of(plan.batch(), CompletionBatching.Order.REVERSE)
                    .releasingAfter(TIMEOUT_NANOS / 5));
        }
        int slot = FakePlatform.SLOTS - 1;
        VirtioBlkDevice device = VirtioBlkDevice.open(machine,
                new MmioSlot(slot, FakePlatform.slotAddress(slot), machine.interruptLine(slot)),
                DriverOptions.DEFAULTS.withMaxQueues(plan.queues()).withRequestTimeoutNanos(TIMEOUT_NANOS));
        assertEquals(plan.queues(), device.queueCount());

        List<String> problems = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < plan.threads(); t++) {
            int thread = t;
            int queue = thread % plan.queues();
            threads.add(new Thread(() -> work(plan, device.queue(queue), queue, thread, initial, problems),
                    "submitter-" + thread));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            if (thread.isAlive()) {
                problems.add(thread.getName() + " did not return within 60 s");
            }
        }
        assertEquals(List.of(), problems, plan.toString());
    }

    /** One thread's calls and the checks of their results. */
    private static void work(Plan plan, BlockDevice queue, int queueIndex, int thread, byte[] initial,
            List<String> problems) {
        long first = (long) thread * SECTORS_PER_THREAD;
        Map<Long, byte[]> written = new HashMap<>();
        for (int call = 0; call < plan.calls(); call++) {
            long sector = first + (call % (SECTORS_PER_THREAD / 8)) * 8;
            String what = "thread " + thread + " on queue " + queueIndex + ", call " + call;
            try {
                if (call % 2 == 0) {
                    byte[] data = new byte[8 * 512];
                    Arrays.fill(data, (byte) (thread * 37 + call));
                    written.put(sector, null);
                    queue.writeAt(sector, data);
                    written.put(sector, data);
                } else {
                    byte[] buffer = new byte[8 * 512];
                    queue.readAt(sector, buffer);
                    byte[] expected = written.containsKey(sector) ? written.get(sector)
                            : Arrays.copyOfRange(initial, (int) sector * 512, (int) (sector + 8) * 512);
                    if (expected != null && !Arrays.equals(expected, buffer)) {
                        problems.add(what + ": the read of sector " + sector + " returned other data");
                    }
                }
                if (plan.neverCompletes(queueIndex)) {
                    problems.add(what + " succeeded, but the device never completes that queue's requests on it");
                }
            } catch (BlockDeviceException e) {
                if (plan.faithful()) {
                    problems.add(what + " failed on a device that serves every queue: " + e.getMessage());
                }
            } catch (RuntimeException | Error e) {
                problems.add(what + " threw " + e);
            }
        }
    }

    @Provide
    Arbitrary<Plan> plans() {
        Arbitrary<Integer> queues = Arbitraries.integers().between(2, 4);
        return queues.flatMap(q -> Combinators.combine(
                Arbitraries.integers().between(q, 8),
                Arbitraries.integers().between(-1, q - 1),
                Arbitraries.integers().between(-1, q - 1),
                Arbitraries.integers().between(0, q - 1),
                Arbitraries.of(1, 1, 2, 4),
                Arbitraries.integers().between(2, 24))
                .as((threads, stalled, from, to, batch, calls) -> new Plan(q, threads, stalled, from, to, batch, calls)));
    }
}
