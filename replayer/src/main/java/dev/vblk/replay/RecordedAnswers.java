package dev.vblk.replay;

import dev.vblk.fake.blk.DeviceRequest;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The request hook of one trace-driven device: answers each request the fake device decodes with
 * the answer the trace recorded for the same request, taking the recorded requests with the same
 * (type, sector, sector count) in order. A request the trace has no answer for, or a write or zone
 * append whose data differs from the recorded one, is a divergence. The answer gives back the bytes
 * the driver read of the device-writable buffers: a read's data, a zone report, an append's
 * append_sector.
 *
 * <p>Answers come in the order the recorded device completed its requests: a request whose recorded
 * completion came after one not answered yet is {@link RequestOutcome#held() held} until that one
 * has been answered. The driver may submit otherwise than it did (fewer requests in flight, other
 * batches), so a held request does not wait for ever: once the virtual clock has moved on since it
 * was held (the driver reads the clock or waits for an interrupt: it is waiting for answers), the
 * held requests are answered in their recorded order, passing over the earlier ones the driver has
 * not handed over; those are answered when they come. Such answers are counted ({@link #outOfOrder()}).
 *
 * <p>The recorded requests come from a {@link RequestFeed}, read only as far as the driver's
 * requests need.
 */
final class RecordedAnswers implements RequestHook {

    private record Key(int type, long sector, long sectorCount) {}

    /** A request held back, by the position of its recorded completion. */
    private record Waiting(long requestIndex, RequestOutcome.Complete outcome, long heldAt) {}

    private final int slot;
    private final Map<Key, Deque<ReconstructedRequest>> table = new LinkedHashMap<>();
    private final RequestFeed feed;
    private final LongSupplier clock;
    private final Function<String[], ReplayDivergence> diverge;
    private final TreeMap<Long, Waiting> held = new TreeMap<>();
    /** The position of the recorded completion to answer next. */
    private long nextCompletion;
    private int answered;
    private int outOfOrder;

    /**
     * @param slot the device's slot
     * @param feed the trace's requests; those of this slot are handed to {@link #add}
     * @param clock the machine's virtual time
     * @param diverge builds (and keeps) the divergence for a headline, what the trace has and what
     *     the driver asked
     */
    RecordedAnswers(int slot, RequestFeed feed, LongSupplier clock, Function<String[], ReplayDivergence> diverge) {
        this.slot = slot;
        this.feed = feed;
        this.clock = clock;
        this.diverge = diverge;
        feed.deliverTo(slot, this::add);
    }

    /** Requests answered so far. */
    int answered() {
        return answered;
    }

    /** Requests answered out of the recorded completion order so far. */
    int outOfOrder() {
        return outOfOrder;
    }

    private void add(ReconstructedRequest request) {
        table.computeIfAbsent(new Key(request.type(), request.sector(), request.sectorCount()),
                key -> new ArrayDeque<>()).add(request);
    }

    @Override
    public RequestOutcome onRequest(DeviceRequest request) {
        String asked = ReconstructedRequest.describe(request.type(), request.sector(), request.sectorCount());
        Key key = new Key(request.type(), request.sector(), request.sectorCount());
        while (!table.containsKey(key) && feed.readMore()) {
            // Read on until the trace has a request like this one, or ends.
        }
        Deque<ReconstructedRequest> candidates = table.get(key);
        if (candidates == null) {
            boolean recordedBefore = feed.anyRecorded(recorded -> recorded.slot() == slot
                    && new Key(recorded.type(), recorded.sector(), recorded.sectorCount()).equals(key));
            throw diverge.apply(new String[] {
                "slot " + slot + ": the driver asked for " + asked + ", which the trace has no "
                        + (recordedBefore ? "further " : "") + "answer for",
                remaining(request.type()), "request " + asked});
        }
        ReconstructedRequest recorded = candidates.poll();
        if (candidates.isEmpty()) {
            table.remove(key);
        }
        if ((request.type() == ReconstructedRequest.T_OUT || request.type() == ReconstructedRequest.T_ZONE_APPEND)
                && !Arrays.equals(request.writeData(), recorded.writeData())) {
            throw diverge.apply(new String[] {
                "slot " + slot + ": the driver wrote other data than " + recorded.describe().replace(" -> ", ", answered ")
                        + " (event " + recorded.availableEvent() + ")",
                recorded.writeData().length + " bytes recorded", request.writeData().length + " bytes written"});
        }
        answered++;
        RequestOutcome outcome = outcome(recorded, asked);
        if (outcome instanceof RequestOutcome.Complete complete
                && recorded.completion() instanceof ReconstructedRequest.Answered answer) {
            return inRecordedOrder(request, complete, answer.completionOrder());
        }
        return outcome;
    }

    /** Answers now when every earlier recorded completion was answered; holds the request otherwise. */
    private RequestOutcome inRecordedOrder(DeviceRequest request, RequestOutcome.Complete complete, long position) {
        if (position > nextCompletion) {
            held.put(position, new Waiting(request.index(), complete, clock.getAsLong()));
            return RequestOutcome.held();
        }
        if (position < nextCompletion) {
            outOfOrder++;
        } else {
            nextCompletion++;
        }
        return complete;
    }

    @Override
    public long nextReleaseTime() {
        if (held.isEmpty()) {
            return Long.MAX_VALUE;
        }
        Map.Entry<Long, Waiting> first = held.firstEntry();
        return first.getKey() == nextCompletion ? first.getValue().heldAt() : earliestHeld() + 1;
    }

    @Override
    public List<Release> releases(long now) {
        boolean givingUp = !held.isEmpty() && now > earliestHeld();
        List<Release> released = new ArrayList<>();
        while (!held.isEmpty() && (givingUp || held.firstKey() == nextCompletion)) {
            Map.Entry<Long, Waiting> first = held.pollFirstEntry();
            if (first.getKey() != nextCompletion) {
                outOfOrder++;
            }
            nextCompletion = first.getKey() + 1;
            released.add(new Release(first.getValue().requestIndex(), first.getValue().outcome()));
        }
        return released;
    }

    private long earliestHeld() {
        return held.values().stream().mapToLong(Waiting::heldAt).min().orElse(Long.MAX_VALUE);
    }

    private RequestOutcome outcome(ReconstructedRequest recorded, String asked) {
        if (recorded.completion() instanceof ReconstructedRequest.Unanswered) {
            return RequestOutcome.never();
        }
        if (recorded.completion() instanceof ReconstructedRequest.NeedsReset) {
            return RequestOutcome.needsReset();
        }
        ReconstructedRequest.Answered answer = (ReconstructedRequest.Answered) recorded.completion();
        if (answer.status().isEmpty()) {
            throw diverge.apply(new String[] {
                "slot " + slot + ": the trace never shows the status byte of " + recorded.describeRequest()
                        + " (event " + recorded.availableEvent() + ")", "a completion without a status read", "request " + asked});
        }
        int status = answer.status().getAsInt();
        Optional<byte[]> data = answer.data();
        RequestOutcome.Complete outcome = data.isPresent()
                ? RequestOutcome.data(data.get()).withStatus(status)
                : RequestOutcome.status(status);
        OptionalLong used = answer.usedLength();
        return used.isPresent() ? outcome.withUsedLen(used.getAsLong()) : outcome;
    }

    /** The requests of {@code type} read from the trace and still unanswered, for a report. */
    private String remaining(int type) {
        List<String> left = new ArrayList<>();
        for (Map.Entry<Key, Deque<ReconstructedRequest>> entry : table.entrySet()) {
            if (entry.getKey().type() == type) {
                left.add(entry.getValue().size() + " x " + entry.getValue().peek().describeRequest());
            }
        }
        return left.isEmpty() ? "no unanswered request of this type"
                : "unanswered requests of this type: " + String.join("; ", left.subList(0, Math.min(6, left.size())))
                        + (left.size() > 6 ? "; ..." : "");
    }
}
