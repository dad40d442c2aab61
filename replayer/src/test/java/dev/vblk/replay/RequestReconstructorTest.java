package dev.vblk.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.blk.DeviceRequest;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.LittleEndian;
import dev.vblk.session.BlockOperation;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.TraceEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestReconstructorTest {

    @TempDir
    Path dir;

    /** Records the workload with {@code outcomes} while noting every request the fake device decoded. */
    private List<ReconstructedRequest> reconstruct(RequestHook outcomes, List<DeviceRequest> seen) {
        return reconstruct(outcomes, seen, false, true);
    }

    /** The same, with the packed ring offered and allowed or not, and indirect descriptors allowed or not. */
    private List<ReconstructedRequest> reconstruct(RequestHook outcomes, List<DeviceRequest> seen, boolean packed,
            boolean indirect) {
        RequestHook noting = request -> {
            seen.add(request);
            return outcomes.onRequest(request);
        };
        Path file = FakeTraces.record(dir.resolve("r.trace.avro"), FakeBlkConfig.builder().requestHook(noting)
                .idString("replay-test").offerPackedRing(packed).queueNumMax(packed ? 8 : 256).build(),
                FakeTraces.OPTIONS.withPackedRing(packed).withIndirectDescriptors(indirect), FakeTraces.mixedWorkload());
        return RequestReconstructor.reconstruct(FakeTraces.read(file).events(), MmioWindow.QEMU_VIRT);
    }

    @Test
    void rebuildsEveryRequestTheDeviceDecodedInOrder() {
        List<DeviceRequest> seen = new ArrayList<>();
        List<ReconstructedRequest> requests = reconstruct(RequestHook.NORMAL, seen);
        assertRebuilt(seen, requests);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rebuildsPackedRingRequestsAcrossTheRingsEnd(boolean indirect) {
        // A ring of 8: the workload laps it several times, direct chains straddling its end.
        List<DeviceRequest> seen = new ArrayList<>();
        List<ReconstructedRequest> requests = reconstruct(RequestHook.NORMAL.at(3, RequestOutcome.status(1)), seen, true,
                indirect);
        assertTrue(seen.size() > 8, "the workload laps the ring: " + seen.size());
        assertRebuilt(seen, requests);
        for (ReconstructedRequest request : requests) {
            ReconstructedRequest.Answered answer = assertInstanceOf(ReconstructedRequest.Answered.class,
                    request.completion(), request.describe());
            assertEquals(OptionalInt.of(request.index() == 3 ? 1 : 0), answer.status(), request.describe());
        }
    }

    private static void assertRebuilt(List<DeviceRequest> seen, List<ReconstructedRequest> requests) {
        assertEquals(seen.size(), requests.size());
        for (int i = 0; i < seen.size(); i++) {
            DeviceRequest device = seen.get(i);
            ReconstructedRequest rebuilt = requests.get(i);
            assertEquals(i, rebuilt.index());
            assertEquals(31, rebuilt.slot());
            assertEquals(device.head(), rebuilt.head(), rebuilt.describe());
            assertEquals(device.type(), rebuilt.type(), rebuilt.describe());
            assertEquals(device.sector(), rebuilt.sector(), rebuilt.describe());
            assertEquals(device.sectorCount(), rebuilt.sectorCount(), rebuilt.describe());
            assertEquals(device.dataLength(), rebuilt.dataLength(), rebuilt.describe());
            assertArrayEquals(device.writeData(), rebuilt.writeData(), rebuilt.describe());
            assertEquals(device.ranges().size(), rebuilt.ranges().size());
        }
    }

    /**
     * A device that looks at its rings without waiting for a notification (QEMU's, while it works
     * through a queue, tells the driver not to notify): the driver makes chains available without a
     * QueueNotify, and may see them used and use their descriptors and buffers again before it next
     * notifies. Every request is still rebuilt, from its chain as it was made available.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void chainsMadeAvailableWithoutANotificationAreRebuilt(boolean packed) {
        Path file = FakeTraces.record(dir.resolve("polled.trace.avro"), FakeBlkConfig.builder().idString("replay-test")
                .offerPackedRing(packed).queueNumMax(packed ? 8 : 256).build(),
                FakeTraces.OPTIONS.withPackedRing(packed), FakeTraces.mixedWorkload());
        List<TraceEvent> events = FakeTraces.read(file).events();
        List<TraceEvent> unnotified = events.stream().filter(event -> !isQueueNotify(event)).toList();
        assertTrue(events.size() - unnotified.size() > 8, "the workload notifies for each request");

        List<String> rebuilt = described(RequestReconstructor.reconstruct(unnotified, MmioWindow.QEMU_VIRT));

        assertEquals(described(RequestReconstructor.reconstruct(events, MmioWindow.QEMU_VIRT)), rebuilt);
        assertTrue(rebuilt.size() > 8, rebuilt.toString());
    }

    /** Whether {@code event} is a QueueNotify write to the device in slot 31. */
    private static boolean isQueueNotify(TraceEvent event) {
        return event instanceof TraceEvent.RegisterWrite write
                && write.address() == 0x0a00_3e00L + MmioRegister.QUEUE_NOTIFY.offset();
    }

    /** Each request and its answer, with the length and a hash of the data it carried either way. */
    private static List<String> described(List<ReconstructedRequest> requests) {
        return requests.stream().map(request -> request.describe() + ", wrote " + digest(request.writeData())
                + (request.completion() instanceof ReconstructedRequest.Answered answer
                        ? ", read " + answer.data().map(RequestReconstructorTest::digest).orElse("nothing") : "")).toList();
    }

    private static String digest(byte[] data) {
        return data.length + " bytes #" + Integer.toHexString(Arrays.hashCode(data));
    }

    @Test
    void answersAreWhatTheDriverReadBack() {
        List<ReconstructedRequest> requests = reconstruct(RequestHook.NORMAL, new ArrayList<>());

        ReconstructedRequest write = requests.get(0);
        ReconstructedRequest read = requests.get(1);
        assertEquals("request 0 (slot 31): write sector 0, 8 sector(s) -> OK", write.describe());
        assertEquals("request 1 (slot 31): read sector 0, 8 sector(s) -> OK", read.describe());
        ReconstructedRequest.Answered answer = assertInstanceOf(ReconstructedRequest.Answered.class, read.completion());
        assertArrayEquals(FakeTraces.pattern(8 * 512, 1), answer.data().orElseThrow());
        assertEquals(OptionalInt.of(0), answer.status());
        assertEquals(8 * 512 + 1, answer.usedLength().getAsLong());
        ReconstructedRequest getId = requests.stream().filter(r -> r.type() == ReconstructedRequest.T_GET_ID)
                .findFirst().orElseThrow();
        byte[] id = ((ReconstructedRequest.Answered) getId.completion()).data().orElseThrow();
        assertEquals("replay-test", FakeTraces.text(id).substring(0, "replay-test".length()));
        ReconstructedRequest discard = requests.stream().filter(r -> r.type() == ReconstructedRequest.T_DISCARD)
                .findFirst().orElseThrow();
        assertEquals(List.of(new ReconstructedRequest.Range(0, 4, 0)), discard.ranges());
        assertEquals(2, write.operationId(), "operation 1 is the discovery, 2 the first write");
    }

    @Test
    void failuresTimeoutsAndBrokenDevicesAreTold() {
        List<ReconstructedRequest> requests = reconstruct(RequestHook.NORMAL
                .at(1, RequestOutcome.status(1))
                .at(3, RequestOutcome.never()), new ArrayList<>());
        assertEquals("request 1 (slot 31): read sector 0, 8 sector(s) -> IOERR", requests.get(1).describe());
        assertInstanceOf(ReconstructedRequest.Unanswered.class, requests.get(3).completion());
        assertEquals("no completion", requests.get(3).describeCompletion());

        List<ReconstructedRequest> broken = reconstruct(RequestHook.NORMAL.at(2, RequestOutcome.needsReset()), new ArrayList<>());
        assertInstanceOf(ReconstructedRequest.NeedsReset.class, broken.get(2).completion());
        assertTrue(broken.get(3).completion() instanceof ReconstructedRequest.Answered, broken.get(3).describe());
    }

    /**
     * The golden depth-32 (split ring), packed and in-order (the fake device, with VIRTIO_F_IN_ORDER and
     * VIRTIO_F_NOTIFICATION_DATA) traces submit 32 reads, then notify once from the wait: each request
     * still belongs to the read whose submission made it available.
     */
    @ParameterizedTest
    @ValueSource(strings = {"depth-32", "packed", "in-order"})
    void batchedSubmissionsBelongToTheOperationsThatMadeThemAvailable(String name) {
        Path file = TraceRegressionTest.repositoryRoot().resolve("traces/" + name + TraceRegressionTest.SUFFIX);
        List<TraceEvent> events = FakeTraces.read(file).events();
        Map<Long, TraceEvent.OperationBegin> operations = new HashMap<>();
        events.stream().filter(TraceEvent.OperationBegin.class::isInstance).map(TraceEvent.OperationBegin.class::cast)
                .forEach(begin -> operations.put(begin.operationId(), begin));

        List<ReconstructedRequest> requests = RequestReconstructor.reconstruct(events, MmioWindow.QEMU_VIRT);

        assertTrue(requests.size() >= 64, "requests: " + requests.size());
        long firstNotify = events.indexOf(events.stream().filter(RequestReconstructorTest::isQueueNotify).findFirst().orElseThrow());
        assertEquals(32, requests.stream().filter(r -> r.availableEvent() < firstNotify).count(),
                "the first 32 requests are made available before the first QueueNotify");
        for (ReconstructedRequest request : requests) {
            TraceEvent.OperationBegin owner = operations.get(request.operationId());
            if (request.type() != ReconstructedRequest.T_IN && request.type() != ReconstructedRequest.T_OUT) {
                assertEquals(OperationKind.FLUSH, owner.kind(), "the trace ends with a synchronous flush");
                continue;
            }
            assertTrue(owner.submitted(), request.describe() + " belongs to " + owner);
            assertEquals(request.sector(), owner.sector(), request.describe() + " belongs to " + owner);
            assertEquals(request.type() == ReconstructedRequest.T_IN ? OperationKind.READ : OperationKind.WRITE,
                    owner.kind(), request.describe());
        }
        assertEquals(requests.size(), requests.stream().map(ReconstructedRequest::operationId).distinct().count(),
                "one request per operation");
    }

    @Test
    void aRequestIsTiedToTheWriteOfTheAvailableIndexThatHandedItOver() {
        Path file = FakeTraces.record(dir.resolve("one.trace.avro"), RequestHook.NORMAL,
                List.of(BlockOperation.read(FakeTraces.DEVICE, 3, 1)));
        List<TraceEvent> events = FakeTraces.read(file).events();

        List<ReconstructedRequest> requests = RequestReconstructor.reconstruct(events, MmioWindow.QEMU_VIRT);

        assertEquals(1, requests.size());
        TraceEvent.MemoryWrite published = assertInstanceOf(TraceEvent.MemoryWrite.class,
                events.get((int) requests.get(0).availableEvent()));
        assertEquals(2, published.length(), published.toString());
        assertEquals(1, LittleEndian.get(published.data(), 0, 2), "the available index moves to 1: " + published);
        assertTrue(events.subList((int) requests.get(0).availableEvent(), events.size()).stream()
                .anyMatch(RequestReconstructorTest::isQueueNotify), "the driver notifies after it");
        assertEquals(2, requests.get(0).operationId());
        assertEquals("read sector 3, 1 sector(s)", requests.get(0).describeRequest());
    }

    @Test
    void indirectChainsAreFollowed() {
        long slot = 0x0a00_3e00L;
        long table = 0x4000_0000L;
        long avail = table + 16 * 8;
        long used = table + 0x1000;
        long indirect = 0x4000_2000L;
        long header = 0x4000_3000L;
        long data = 0x4000_4000L;
        long status = header + 16;
        List<TraceEvent> events = new ArrayList<>(List.of(
                new TraceEvent.RegisterWrite(slot + MmioRegister.QUEUE_NUM.offset(), AccessWidth.WORD, 8),
                new TraceEvent.RegisterWrite(slot + MmioRegister.QUEUE_DESC_LOW.offset(), AccessWidth.WORD, table),
                new TraceEvent.RegisterWrite(slot + MmioRegister.QUEUE_DRIVER_LOW.offset(), AccessWidth.WORD, avail),
                new TraceEvent.RegisterWrite(slot + MmioRegister.QUEUE_DEVICE_LOW.offset(), AccessWidth.WORD, used),
                new TraceEvent.MemoryWrite(header, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0}),
                new TraceEvent.MemoryWrite(indirect, descriptor(header, 16, 1, 1)),
                new TraceEvent.MemoryWrite(indirect + 16, descriptor(data, 1024, 3, 2)),
                new TraceEvent.MemoryWrite(indirect + 32, descriptor(status, 1, 2, 0)),
                new TraceEvent.MemoryWrite(table + 16 * 3, descriptor(indirect, 48, 4, 0)),
                new TraceEvent.MemoryWrite(avail + 2, new byte[] {1, 0, 3, 0}),
                new TraceEvent.RegisterWrite(slot + MmioRegister.QUEUE_NOTIFY.offset(), AccessWidth.WORD, 0)));

        List<ReconstructedRequest> requests = RequestReconstructor.reconstruct(events, MmioWindow.QEMU_VIRT);

        assertEquals(1, requests.size());
        assertEquals(3, requests.get(0).head());
        assertEquals("read sector 5, 2 sector(s)", requests.get(0).describeRequest());
    }

    /** A DISCARD without a range is no request, and the requests after it are still handed out, numbered on. */
    @Test
    void aChainHoldingNoRequestLeavesNoGapBeforeTheNext() {
        long slot = 0x0a00_3e00L;
        long table = 0x4000_0000L;
        long avail = table + 16 * 8;
        long used = table + 0x1000;
        long discard = 0x4000_3000L;
        long read = 0x4000_3100L;
        long data = 0x4000_4000L;
        List<TraceEvent> events = new ArrayList<>(List.of(
                new TraceEvent.RegisterWrite(slot + MmioRegister.QUEUE_NUM.offset(), AccessWidth.WORD, 8),
                new TraceEvent.RegisterWrite(slot + MmioRegister.QUEUE_DESC_LOW.offset(), AccessWidth.WORD, table),
                new TraceEvent.RegisterWrite(slot + MmioRegister.QUEUE_DRIVER_LOW.offset(), AccessWidth.WORD, avail),
                new TraceEvent.RegisterWrite(slot + MmioRegister.QUEUE_DEVICE_LOW.offset(), AccessWidth.WORD, used),
                new TraceEvent.MemoryWrite(discard, new byte[] {11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
                new TraceEvent.MemoryWrite(read, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0}),
                new TraceEvent.MemoryWrite(table, descriptor(discard, 16, 1, 1)),
                new TraceEvent.MemoryWrite(table + 16, descriptor(discard + 16, 1, 2, 0)),
                new TraceEvent.MemoryWrite(table + 32, descriptor(read, 16, 1, 3)),
                new TraceEvent.MemoryWrite(table + 48, descriptor(data, 512, 3, 4)),
                new TraceEvent.MemoryWrite(table + 64, descriptor(read + 16, 1, 2, 0)),
                new TraceEvent.MemoryWrite(avail + 2, new byte[] {2, 0, 0, 0, 2, 0}),
                new TraceEvent.RegisterWrite(slot + MmioRegister.QUEUE_NOTIFY.offset(), AccessWidth.WORD, 0)));

        List<ReconstructedRequest> requests = RequestReconstructor.reconstruct(events, MmioWindow.QEMU_VIRT);

        assertEquals(1, requests.size());
        assertEquals(0, requests.get(0).index());
        assertEquals(2, requests.get(0).head());
        assertEquals("read sector 7, 1 sector(s)", requests.get(0).describeRequest());
    }

    /** One descriptor's 16 bytes. */
    private static byte[] descriptor(long address, long length, int flags, int next) {
        byte[] bytes = new byte[16];
        LittleEndian.put(bytes, 0, 8, address);
        LittleEndian.put(bytes, 8, 4, length);
        LittleEndian.put(bytes, 12, 2, flags);
        LittleEndian.put(bytes, 14, 2, next);
        return bytes;
    }
}
