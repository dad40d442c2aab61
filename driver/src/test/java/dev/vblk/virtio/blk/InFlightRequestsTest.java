package dev.vblk.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.Completion;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestHandle;
import dev.vblk.block.RequestType;
import dev.vblk.virtio.spec.BlkRequestFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bookkeeping of submitted calls: when a call completes, with which outcome, and what is left behind. */
class InFlightRequestsTest {

    private final InFlightRequests requests = new InFlightRequests();

    @Test
    void aCallCompletesWhenItsLastRequestFinishes() {
        InFlightRequests.Call call = requests.open(new RequestHandle(1, RequestType.READ, 0, 2));
        BlkRequest first = enqueueRead(call, 0);
        BlkRequest second = enqueueRead(call, 1);
        requests.posted(first, 3);
        requests.posted(second, 5);

        requests.finished(requests.returned(3), null);
        assertFalse(requests.isReady(call.handle()));
        requests.finished(requests.returned(5), null);
        assertTrue(requests.isReady(call.handle()));

        assertEquals(List.of(new Completion.Succeeded(call.handle())), requests.deliverAll());
        assertEquals(0, requests.outstanding(), "a delivered call is no longer outstanding");
        assertEquals(0, requests.posted());
    }

    @Test
    void theFirstErrorEndsTheCallAndDropsItsWaitingRequests() {
        InFlightRequests.Call call = requests.open(new RequestHandle(1, RequestType.READ, 0, 3));
        BlkRequest first = enqueueRead(call, 0);
        enqueueRead(call, 1);
        enqueueRead(call, 2);
        requests.posted(first, 0);
        BlockDeviceException ioError = BlockDeviceException.of(ErrorKind.IO_ERROR, "bad sector").build();

        requests.finished(requests.returned(0), ioError);

        assertNull(requests.nextWaiting(), "the call's other requests are never posted");
        assertEquals(List.of(new Completion.Failed(call.handle(), ioError)), requests.deliverAll());
        assertEquals(0, requests.outstanding());
    }

    @Test
    void abandoningReturnsTheHeldRequestsAndForgetsThem() {
        InFlightRequests.Call call = requests.open(new RequestHandle(1, RequestType.READ, 0, 2));
        BlkRequest held = enqueueRead(call, 0);
        enqueueRead(call, 1);
        requests.posted(held, 7);
        BlockDeviceException reset = BlockDeviceException.of(ErrorKind.DEVICE_NEEDS_RESET, "reset").build();

        List<BlkRequest> abandoned = requests.abandonAll(handle -> reset);

        assertEquals(1, abandoned.size());
        assertSame(held, abandoned.get(0), "the device may still write the held request's buffer");
        assertNull(requests.returned(7), "an abandoned token is no longer the device's");
        assertFalse(requests.hasUnpublished());
        assertNull(requests.nextWaiting());
        assertEquals(List.of(new Completion.Failed(call.handle(), reset)), requests.deliverAll());
    }

    @Test
    void abandoningTheOthersKeepsOneCallsRequestsAndEndsTheRest() {
        InFlightRequests.Call keep = requests.open(new RequestHandle(1, RequestType.READ, 0, 1));
        InFlightRequests.Call other = requests.open(new RequestHandle(2, RequestType.READ, 1, 1));
        InFlightRequests.Call waiting = requests.open(new RequestHandle(3, RequestType.READ, 2, 1));
        BlkRequest kept = enqueueRead(keep, 0);
        requests.posted(kept, 1);
        BlkRequest held = enqueueRead(other, 1);
        requests.posted(held, 2);
        enqueueRead(waiting, 2);
        BlockDeviceException broken = BlockDeviceException.of(ErrorKind.PROTOCOL_VIOLATION, "broken").build();

        List<BlkRequest> abandoned = requests.abandonOthers(keep, broken);

        assertEquals(List.of(held), abandoned);
        assertEquals(1, requests.posted());
        assertNull(requests.returned(2), "the other call's token is no longer the device's");
        assertEquals(java.util.Set.of(keep.handle()), requests.heldCalls());
        assertNull(requests.nextWaiting(), "the waiting call is ended too");
        assertFalse(requests.isReady(keep.handle()));
        assertEquals(List.of(new Completion.Failed(other.handle(), broken), new Completion.Failed(waiting.handle(), broken)),
                requests.deliverAll());
        assertSame(kept, requests.returned(1));
    }

    @Test
    void allCallsAreReadyOnlyWhenEachIs() {
        InFlightRequests.Call first = requests.open(new RequestHandle(1, RequestType.READ, 0, 1));
        InFlightRequests.Call second = requests.open(new RequestHandle(2, RequestType.READ, 1, 1));
        requests.posted(enqueueRead(first, 0), 1);
        requests.posted(enqueueRead(second, 1), 2);
        assertTrue(requests.allReady(List.of()));

        requests.finished(requests.returned(1), null);
        assertTrue(requests.allReady(List.of(first.handle())));
        assertFalse(requests.allReady(List.of(first.handle(), second.handle())));

        requests.finished(requests.returned(2), null);
        assertTrue(requests.allReady(List.of(first.handle(), second.handle())));
    }

    @Test
    void aCallFailsWithTheErrorOfItsEarliestFailedPartWhicheverFailedFirst() {
        InFlightRequests.Call call = requests.open(new RequestHandle(1, RequestType.READ, 0, 2));
        BlkRequest part0 = enqueueRead(call, 0);
        BlkRequest part1 = enqueueRead(call, 1);
        requests.posted(part0, 1);
        requests.posted(part1, 2);
        BlockDeviceException late = BlockDeviceException.of(ErrorKind.IO_ERROR, "sector 1").build();
        BlockDeviceException early = BlockDeviceException.of(ErrorKind.IO_ERROR, "sector 0").build();

        requests.finished(requests.returned(2), late);
        requests.finished(requests.returned(1), early);

        assertEquals(List.of(new Completion.Failed(call.handle(), early)), requests.deliverAll());
    }

    @Test
    void deliveringSomeCallsKeepsTheOthersReadyInTheOrderTheyCompleted() {
        InFlightRequests.Call[] calls = new InFlightRequests.Call[4];
        for (int i = 0; i < calls.length; i++) {
            calls[i] = requests.open(new RequestHandle(i + 1, RequestType.READ, i, 1));
            requests.posted(enqueueRead(calls[i], i), i);
        }
        for (int token : new int[] {2, 0, 3, 1}) {
            requests.finished(requests.returned(token), null);
        }

        assertEquals(List.of(new Completion.Succeeded(calls[0].handle())), requests.deliver(List.of(calls[0].handle())));
        assertFalse(requests.isReady(calls[0].handle()), "a delivered call is no longer ready");
        assertTrue(requests.allReady(List.of(calls[1].handle(), calls[2].handle(), calls[3].handle())));
        assertEquals(3, requests.outstanding());
        assertEquals(List.of(new Completion.Succeeded(calls[2].handle()), new Completion.Succeeded(calls[3].handle()),
                new Completion.Succeeded(calls[1].handle())), requests.deliverAll());
    }

    @Test
    void tokensUpToTheLargestQueueAreHeldAndOthersNameNoRequest() {
        InFlightRequests.Call call = requests.open(new RequestHandle(1, RequestType.READ, 0, 2));
        BlkRequest low = enqueueRead(call, 0);
        BlkRequest high = enqueueRead(call, 1);
        requests.posted(low, 3);
        requests.posted(high, 32_767);

        assertNull(requests.returned(-1));
        assertNull(requests.returned(4));
        assertNull(requests.returned(65_535), "a token past every queue the driver holds names nothing");
        assertEquals(2, requests.posted());
        assertSame(high, requests.returned(32_767));
        assertNull(requests.returned(32_767), "a token is returned once");
        assertSame(low, requests.returned(3));
        assertEquals(0, requests.posted());
    }

    private BlkRequest enqueueRead(InFlightRequests.Call call, long sector) {
        BlkRequest request = new BlkRequest(call, BlkRequestFormat.T_IN, sector, 1, new byte[512], 0, 512, true);
        requests.enqueue(request);
        return request;
    }
}
