package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.blk.VirtioBlk;

import dev.vblk.virtio.blk.CompletionMode;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.blk.VirtioBlkQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The calls of one queue seen from outside: a poll takes what completed without waiting, every
 * call gives the queue's lock back for the next thread, answer buffers must have the answer's
 * size, and range commands longer than the device's limit are split at the right sectors.
 */
class QueueCallsDriverTest {

    private static final int SECTORS = 256;

    private static VirtioBlkQueue queue(FakeBlkConfig.Builder config) {
        return FakeRig.of(config.build()).open(FakeRig.TEST_OPTIONS.withRingReset(true)).queue(0);
    }

    private static FakeBlkConfig.Builder device() {
        return FakeBlkConfig.builder().disk(PatternedDisk.of(SECTORS));
    }

    @ParameterizedTest
    @EnumSource(CompletionMode.class)
    void aPollTakesWhatCompletedWithoutWaiting(CompletionMode mode) {
        VirtioBlkQueue queue = FakeRig.of(device().build()).open(FakeRig.TEST_OPTIONS.withCompletion(mode)).queue(0);
        assertEquals(List.of(), queue.poll(), "nothing in flight");
        byte[] buffer = new byte[512];
        RequestHandle read = queue.submitRead(7, buffer);

        List<Completion> taken = new ArrayList<>();
        for (int poll = 0; poll < 10 && taken.isEmpty(); poll++) {
            taken.addAll(queue.poll());
        }

        assertEquals(List.of(new Completion.Succeeded(read)), taken);
        assertArrayEquals(PatternedDisk.expected(7, 1), buffer);
        assertEquals(0, queue.outstanding());
    }

    @Test
    void aPollOnAQueueWhoseSharedInterruptAnotherQueueTookStillFindsItsCompletion() {
        VirtioBlkDevice driver = FakeRig.of(device().numQueues(2).requestHook(request -> request.sector() == 3
                ? RequestOutcome.delayed(50_000, RequestOutcome.normal())
                : RequestOutcome.delayed(100_000, RequestOutcome.normal())).build()).open(FakeRig.TEST_OPTIONS.withMaxQueues(2));
        RequestHandle read = driver.queue(1).submitRead(3, new byte[512]);
        assertEquals(List.of(), driver.queue(1).poll(), "published, not yet completed");
        RequestHandle other = driver.queue(0).submitRead(4, new byte[512]);
        assertEquals(List.of(new Completion.Succeeded(other)),
                driver.queue(0).awaitAll(List.of(other), AsyncBlockDevice.NO_TIME_BUDGET),
                "queue 0 waits through queue 1's interrupt on the line they share");

        List<Completion> taken = new ArrayList<>();
        for (int poll = 0; poll < 10 && taken.isEmpty(); poll++) {
            taken.addAll(driver.queue(1).poll());
        }

        assertEquals(List.of(new Completion.Succeeded(read)), taken);
    }

    @ParameterizedTest
    @ValueSource(strings = {"poll", "outstanding", "awaitAny", "awaitAll", "resetQueue", "submitRead"})
    void everyCallGivesTheQueuesLockBack(String call) throws Exception {
        VirtioBlkQueue queue = queue(device());
        Consumer<VirtioBlkQueue> made = switch (call) {
            case "poll" -> VirtioBlkQueue::poll;
            case "outstanding" -> VirtioBlkQueue::outstanding;
            case "awaitAny" -> q -> q.awaitAny(AsyncBlockDevice.NO_TIME_BUDGET);
            case "awaitAll" -> q -> q.awaitAll(List.of(q.submitRead(1, new byte[512])), AsyncBlockDevice.NO_TIME_BUDGET);
            case "resetQueue" -> VirtioBlkQueue::resetQueue;
            default -> q -> q.submitRead(1, new byte[512]);
        };
        made.accept(queue);

        CompletableFuture<Integer> other = new CompletableFuture<>();
        Thread thread = new Thread(() -> other.complete(queue.outstanding()), "second caller");
        thread.setDaemon(true);
        thread.start();

        assertTrue(other.get(10, TimeUnit.SECONDS) >= 0, "a second thread got the lock after " + call);
    }

    @Test
    void anIdentificationBufferMustHoldTheAnswerExactly() {
        VirtioBlkQueue queue = queue(device().idString("vblk-queue-calls"));
        for (byte[] wrong : new byte[][] {null, new byte[AsyncBlockDevice.ID_BYTES - 1], new byte[AsyncBlockDevice.ID_BYTES + 1]}) {
            BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> queue.submitGetId(wrong));
            assertEquals(ErrorKind.INVALID_ARGUMENT, error.kind());
            assertTrue(error.getMessage().contains("the identification buffer must have 20 bytes"), error.getMessage());
        }
        assertEquals(0, queue.outstanding(), "nothing was submitted");

        byte[] id = new byte[AsyncBlockDevice.ID_BYTES];
        RequestHandle handle = queue.submitGetId(id);
        assertInstanceOf(Completion.Succeeded.class, queue.awaitAll(List.of(handle), AsyncBlockDevice.NO_TIME_BUDGET).get(0));
        assertEquals("vblk-queue-calls", new String(id, 0, 16, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void aLifetimeBufferMustHoldTheAnswerExactly() {
        VirtioBlkQueue queue = queue(device().offerLifetime(true));
        BlockDeviceException error = assertThrows(BlockDeviceException.class,
                () -> queue.submitGetLifetime(new byte[AsyncBlockDevice.LIFETIME_BYTES + 1]));
        assertEquals(ErrorKind.INVALID_ARGUMENT, error.kind());
        assertTrue(error.getMessage().contains("the lifetime buffer must have 6 bytes"), error.getMessage());
    }

    @Test
    void writeZeroesLongerThanTheDevicesLimitIsSplitAtTheRightSectors() {
        VirtioBlkDevice driver = FakeRig.of(device().writeZeroes(new FakeBlkConfig.WriteZeroesLimits(8, 1, false)).build())
                .open();

        driver.writeZeroes(100, 20);

        for (long sector = 96; sector < 124; sector++) {
            byte[] read = new byte[512];
            driver.readAt(sector, read);
            byte[] expected = sector >= 100 && sector < 120 ? new byte[512] : PatternedDisk.expected(sector, 1);
            assertArrayEquals(expected, read, "sector " + sector);
        }
    }

    @Test
    void aFailedPartOfASplitWriteZeroesIsReportedAtItsOwnSectors() {
        FakeBlkConfig config = device().writeZeroes(new FakeBlkConfig.WriteZeroesLimits(8, 1, false))
                .requestHook(request -> !request.ranges().isEmpty() && request.ranges().get(0).sector() == 108
                        ? RequestOutcome.status(VirtioBlk.S_IOERR) : RequestOutcome.normal())
                .build();
        VirtioBlkDevice driver = FakeRig.of(config).open();

        BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> driver.writeZeroes(100, 20));

        assertEquals(ErrorKind.IO_ERROR, error.kind());
        assertTrue(error.getMessage().contains("at sector 108 (8 sectors)"), error.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"close", "reset"})
    void closeAndResetGiveEveryQueuesLockBack(String call) throws Exception {
        VirtioBlkDevice driver = FakeRig.of(device().numQueues(2).build()).open(FakeRig.TEST_OPTIONS.withMaxQueues(2));
        if (call.equals("close")) {
            driver.close();
        } else {
            driver.reset();
        }

        for (int q = 0; q < 2; q++) {
            VirtioBlkQueue queue = driver.queue(q);
            CompletableFuture<Integer> other = new CompletableFuture<>();
            Thread thread = new Thread(() -> other.complete(queue.outstanding()), "second caller");
            thread.setDaemon(true);
            thread.start();
            assertEquals(0, other.get(10, TimeUnit.SECONDS), "queue " + q + " after " + call);
        }
    }

    @Test
    void aResetEndsTheCallsInFlightAsAborted() {
        FakeBlkConfig config = device().requestHook(request -> request.sector() == 9 ? RequestOutcome.never() : RequestOutcome.normal())
                .build();
        VirtioBlkDevice driver = FakeRig.of(config).open();
        RequestHandle stuck = driver.queue(0).submitRead(9, new byte[512]);
        assertEquals(List.of(), driver.queue(0).poll());

        driver.reset();

        Completion ended = driver.queue(0).awaitAll(List.of(stuck), AsyncBlockDevice.NO_TIME_BUDGET).get(0);
        Completion.Failed failed = assertInstanceOf(Completion.Failed.class, ended);
        assertEquals(ErrorKind.ABORTED, failed.error().kind());
        assertTrue(failed.error().getMessage().contains("the device was reset before the request completed"), failed.toString());
        byte[] read = new byte[512];
        driver.readAt(10, read);
        assertArrayEquals(PatternedDisk.expected(10, 1), read);
    }
}
