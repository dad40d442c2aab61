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
import dev.vblk.fake.blk.AvailEventWrites;
import dev.vblk.fake.blk.CompletionBatching;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.FakeVirtioBlkDevice;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.CompletionMode;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The asynchronous driver on the fake device: many requests in flight, interrupt-driven completion
 * told apart from polling, batched notification, the event index, out-of-order completions, a
 * timeout that costs the other requests nothing, a resize seen before the range check, one thread.
 */
class AsyncDriverTest {

    private static final int SECTORS = 1024;
    private static final DriverOptions INTERRUPTS = FakeRig.TEST_OPTIONS.withCompletion(CompletionMode.INTERRUPTS);
    private static final DriverOptions POLLING = FakeRig.TEST_OPTIONS.withCompletion(CompletionMode.POLLING);

    /** Counts the register writes of one kind (QueueNotify, InterruptACK) and the interrupt waits. */
    private static final class Counting extends ForwardingPlatform {
        private final long base;
        int notifies;
        int acknowledgements;
        int interruptWaits;
        boolean interruptsNeverCome;

        Counting(Platform platform, long base) {
            super(platform);
            this.base = base;
        }

        @Override
        public void writeRegister(long address, AccessWidth width, long value) {
            if (address == base + MmioRegister.QUEUE_NOTIFY.offset()) {
                notifies++;
            } else if (address == base + MmioRegister.INTERRUPT_ACK.offset()) {
                acknowledgements++;
            }
            super.writeRegister(address, width, value);
        }

        @Override
        public boolean awaitInterrupt(int line, long timeoutNanos) {
            interruptWaits++;
            return !interruptsNeverCome && super.awaitInterrupt(line, timeoutNanos);
        }
    }

    private record Rig(FakePlatform machine, FakeVirtioBlkDevice fake, Counting platform, MmioSlot slot) {
        VirtioBlkDevice open(DriverOptions options) {
            return VirtioBlkDevice.open(platform, slot, options);
        }
    }

    private static Rig rig(FakeBlkConfig.Builder config) {
        InMemoryDisk disk = PatternedDisk.of(SECTORS);
        FakePlatform machine = FakePlatform.create();
        FakeVirtioBlkDevice fake = machine.attachBlockDevice(config.disk(disk).build());
        MmioSlot slot = new MmioSlot(31, FakePlatform.slotAddress(31), machine.interruptLine(31));
        return new Rig(machine, fake, new Counting(machine, slot.baseAddress()), slot);
    }

    private static Rig rig() {
        return rig(FakeBlkConfig.builder());
    }

    /** Submits reads of 8 sectors at 0, 8, 16... and returns their buffers. */
    private static List<byte[]> submitReads(AsyncBlockDevice device, int count, List<RequestHandle> handles) {
        List<byte[]> buffers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] buffer = new byte[8 * 512];
            handles.add(device.submitRead(i * 8L, buffer));
            buffers.add(buffer);
        }
        return buffers;
    }

    private static void assertRead(List<byte[]> buffers) {
        for (int i = 0; i < buffers.size(); i++) {
            assertArrayEquals(PatternedDisk.expected(i * 8L, 8), buffers.get(i), "read " + i);
        }
    }

    @Test
    void thirtyTwoRequestsAreInFlightAtOnceAndEachCompletesOnceWithItsOwnData() {
        Rig rig = rig(FakeBlkConfig.builder());
        rig.fake().faults().batchCompletions(CompletionBatching.of(32, CompletionBatching.Order.SHUFFLED).withSeed(5));
        VirtioBlkDevice device = rig.open(INTERRUPTS);
        assertEquals(32, device.maxInFlight());
        List<RequestHandle> handles = new ArrayList<>();
        List<byte[]> buffers = submitReads(device, 32, handles);
        assertEquals(32, device.outstanding());

        List<Completion> completions = device.awaitAll(handles, AsyncBlockDevice.NO_TIME_BUDGET);

        assertEquals(32, completions.size());
        Set<RequestHandle> seen = new HashSet<>();
        for (Completion completion : completions) {
            assertInstanceOf(Completion.Succeeded.class, completion);
            assertTrue(seen.add(completion.handle()), "completed twice: " + completion.handle());
        }
        assertFalse(completions.stream().map(Completion::handle).toList().equals(handles),
                "the device completed them out of order, and the driver delivered them so");
        assertRead(buffers);
        assertEquals(0, device.outstanding());
        assertEquals(1, rig.platform().notifies, "one notification for the batch");
        assertTrue(rig.platform().acknowledgements < 32, "many completions per interrupt: "
                + rig.platform().acknowledgements + " interrupts for 32");
    }

    @Test
    void withoutInterruptsACompletionIsFoundOnlyWhenItsBudgetRunsOut() {
        for (DriverOptions options : List.of(INTERRUPTS, POLLING)) {
            // Without the event index: with it, a completion already there when the driver sets
            // used_event is taken at once, interrupt or not.
            Rig rig = rig(FakeBlkConfig.builder().offerEventIndex(false));
            VirtioBlkDevice device = rig.open(options);
            rig.platform().interruptsNeverCome = true;
            byte[] buffer = new byte[512];
            int waitsBefore = rig.platform().interruptWaits;
            device.readAt(3, buffer);
            int waits = rig.platform().interruptWaits - waitsBefore;
            assertArrayEquals(PatternedDisk.expected(3, 1), buffer);
            if (options.completion() == CompletionMode.INTERRUPTS) {
                assertTrue(waits >= options.maxPollsPerRequest(), "waited out its poll budget first: " + waits);
            } else {
                assertTrue(waits < 10, "polling found it at once: " + waits + " waits");
            }
        }
    }

    @Test
    void aDroppedInterruptCostsTimeButNotTheRequest() {
        for (DriverOptions options : List.of(INTERRUPTS, POLLING)) {
            Rig rig = rig(FakeBlkConfig.builder().offerEventIndex(false));
            rig.fake().faults().dropInterrupts(Set.of(0L));
            VirtioBlkDevice device = rig.open(options);
            byte[] buffer = new byte[512];
            device.readAt(0, buffer);
            assertArrayEquals(PatternedDisk.expected(0, 1), buffer);
            assertTrue(device.fatalError().isEmpty(), options.completion() + ": " + device.fatalError());
            device.readAt(1, buffer);
            assertArrayEquals(PatternedDisk.expected(1, 1), buffer);
        }
    }

    @Test
    void closeResetsTheDeviceAndGivesBackEveryFrameUntilAResetInitialisesItAgain() {
        Rig rig = rig(FakeBlkConfig.builder().requestHook(RequestHook.NORMAL.at(0, RequestOutcome.never())));
        int before = rig.machine().allocatedFrames();
        VirtioBlkDevice device = rig.open(INTERRUPTS);
        assertTrue(rig.machine().allocatedFrames() > before, "the queue and the pool take frames");
        RequestHandle pending = device.submitRead(0, new byte[512]);
        device.poll();

        device.close();

        assertEquals(before, rig.machine().allocatedFrames(), "every frame given back");
        assertEquals(0, rig.fake().status(), "the device is reset");
        List<Completion> completions = device.poll();
        assertEquals(1, completions.size());
        assertEquals(pending, completions.get(0).handle());
        assertEquals(ErrorKind.ABORTED, ((Completion.Failed) completions.get(0)).error().kind());
        assertEquals(ErrorKind.ABORTED, assertThrows(BlockDeviceException.class,
                () -> device.readAt(1, new byte[512])).kind());
        device.close();
        assertEquals(before, rig.machine().allocatedFrames(), "closing twice frees nothing twice");

        device.reset();
        byte[] buffer = new byte[512];
        device.readAt(1, buffer);
        assertArrayEquals(PatternedDisk.expected(1, 1), buffer);
    }

    @Test
    void everyInterruptIsAcknowledged() {
        Rig rig = rig();
        VirtioBlkDevice device = rig.open(INTERRUPTS);
        for (int i = 0; i < 5; i++) {
            device.readAt(i, new byte[512]);
        }
        assertTrue(rig.platform().acknowledgements >= 1);
        assertFalse(rig.fake().interruptRaised(), "InterruptStatus was acknowledged: " + rig.fake().interruptStatus());
    }

    @Test
    void theEventIndexDecidesWhetherTheDeviceIsNotified() {
        Rig rig = rig();
        rig.fake().faults().availEventWrites(AvailEventWrites.NEVER);
        VirtioBlkDevice device = rig.open(INTERRUPTS);
        assertTrue(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.EVENT_IDX));
        device.readAt(0, new byte[512]);
        assertEquals(1, rig.platform().notifies, "avail_event 0 asks for the first notification only");
        assertEquals(ErrorKind.TIMEOUT, assertThrows(BlockDeviceException.class, () -> device.readAt(1, new byte[512])).kind(),
                "the device that never moves avail_event is never told of the second request");

        Rig without = rig();
        without.fake().faults().availEventWrites(AvailEventWrites.NEVER);
        VirtioBlkDevice plain = without.open(INTERRUPTS.withEventIndex(false));
        assertFalse(FeatureBits.has(plain.negotiatedFeatures(), FeatureBits.EVENT_IDX));
        plain.readAt(0, new byte[512]);
        plain.readAt(1, new byte[512]);
        assertEquals(2, without.platform().notifies);
    }

    @Test
    void indirectDescriptorsAreUsedOnlyWhenOfferedAndAllowed() {
        assertTrue(FeatureBits.has(rig().open(INTERRUPTS).negotiatedFeatures(), FeatureBits.INDIRECT_DESC));
        assertFalse(FeatureBits.has(rig().open(INTERRUPTS.withIndirectDescriptors(false)).negotiatedFeatures(),
                FeatureBits.INDIRECT_DESC));
        Rig notOffered = rig(FakeBlkConfig.builder().offerIndirectDescriptors(false));
        VirtioBlkDevice device = notOffered.open(INTERRUPTS);
        assertFalse(FeatureBits.has(device.negotiatedFeatures(), FeatureBits.INDIRECT_DESC));
        byte[] buffer = new byte[256 * 512];
        device.readAt(100, buffer);
        assertArrayEquals(PatternedDisk.expected(100, 256), buffer);
    }

    @Test
    void aTimeoutOfOneRequestDoesNotCostTheOthersTheirData() {
        Rig rig = rig(FakeBlkConfig.builder().requestHook(RequestHook.NORMAL.at(0, RequestOutcome.never())));
        VirtioBlkDevice device = rig.open(INTERRUPTS);
        List<RequestHandle> handles = new ArrayList<>();
        List<byte[]> buffers = submitReads(device, 4, handles);

        List<Completion> completions = device.awaitAll(handles, AsyncBlockDevice.NO_TIME_BUDGET);

        assertEquals(4, completions.size());
        for (Completion completion : completions) {
            if (completion.handle().equals(handles.get(0))) {
                assertEquals(ErrorKind.TIMEOUT, ((Completion.Failed) completion).error().kind());
            } else {
                assertInstanceOf(Completion.Succeeded.class, completion);
            }
        }
        for (int i = 1; i < 4; i++) {
            assertArrayEquals(PatternedDisk.expected(i * 8L, 8), buffers.get(i), "read " + i);
        }
        assertEquals(ErrorKind.TIMEOUT, device.fatalError().orElseThrow().kind());
        assertEquals(ErrorKind.TIMEOUT, assertThrows(BlockDeviceException.class,
                () -> device.submitRead(0, new byte[512])).kind(), "unusable until reset");
        device.reset();
        device.readAt(5, new byte[512]);
    }

    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void thePollBudgetEndsARequestWhenTheClockStandsStill() {
        for (DriverOptions options : List.of(INTERRUPTS, POLLING)) {
            Rig rig = rig(FakeBlkConfig.builder().requestHook(RequestHook.NORMAL.at(0, RequestOutcome.never())));
            Platform frozen = new ForwardingPlatform(rig.platform()) {
                @Override
                public long nanoTime() {
                    return 0;
                }

                @Override
                public boolean awaitInterrupt(int line, long timeoutNanos) {
                    return super.awaitInterrupt(line, 0);
                }
            };
            VirtioBlkDevice device = VirtioBlkDevice.open(frozen, rig.slot(), options);
            BlockDeviceException error = assertThrows(BlockDeviceException.class, () -> device.readAt(0, new byte[512]));
            assertEquals(ErrorKind.TIMEOUT, error.kind(), error.getMessage());
            assertTrue(error.getMessage().contains("after " + options.maxPollsPerRequest() + " polls"), error.getMessage());
        }
    }

    @Test
    void aWaitWithATimeBudgetReturnsWhatCompletedWithinIt() {
        Rig rig = rig(FakeBlkConfig.builder().requestHook(RequestHook.NORMAL
                .at(1, RequestOutcome.delayed(5_000_000, RequestOutcome.normal()))));
        VirtioBlkDevice device = rig.open(INTERRUPTS);
        List<RequestHandle> handles = new ArrayList<>();
        submitReads(device, 2, handles);

        List<Completion> early = device.awaitAll(handles, 1_000_000);
        assertEquals(List.of(handles.get(0)), early.stream().map(Completion::handle).toList());
        assertEquals(1, device.outstanding());
        List<Completion> late = device.awaitAny(AsyncBlockDevice.NO_TIME_BUDGET);
        assertEquals(List.of(handles.get(1)), late.stream().map(Completion::handle).toList());
        assertEquals(List.of(), device.poll());
    }

    @Test
    void aResizeIsSeenBeforeTheRangeCheck() {
        Rig rig = rig();
        VirtioBlkDevice device = rig.open(INTERRUPTS);
        rig.fake().resize(SECTORS * 2L);
        byte[] buffer = new byte[512];
        device.readAt(SECTORS * 2L - 1, buffer);
        assertEquals(SECTORS * 2L, device.capacitySectors());
    }

    @Test
    void aSecondThreadOnABusyQueueWaitsItsTurn() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Rig rig = rig();
        Platform blocking = new ForwardingPlatform(rig.platform()) {
            @Override
            public long nanoTime() {
                if (Thread.currentThread().getName().equals("first")) {
                    inside.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.nanoTime();
            }
        };
        VirtioBlkDevice device = VirtioBlkDevice.open(blocking, rig.slot(), INTERRUPTS);
        byte[] second = new byte[512];
        Arrays.fill(second, (byte) 0x5a);
        device.writeAt(1, second);
        CompletableFuture<Void> first = CompletableFuture.runAsync(() -> device.readAt(0, new byte[512]),
                task -> new Thread(task, "first").start());
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        byte[] read = new byte[512];
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> device.readAt(1, read),
                task -> new Thread(task, "second").start());
        Thread.sleep(200);
        assertFalse(waiting.isDone(), "the second call ran while the first was inside the queue");
        release.countDown();
        first.get(10, TimeUnit.SECONDS);
        waiting.get(10, TimeUnit.SECONDS);
        assertArrayEquals(second, read);
    }
}
