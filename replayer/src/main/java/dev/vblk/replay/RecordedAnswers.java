package dev.vblk.replay;

import dev.vblk.fake.blk.BlkRequest;
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
import java.util.function.Function;

/**
 * The request hook of one trace-driven device: answers each request the fake device decodes with
 * the answer the trace recorded for the same request, taking the recorded requests with the same
 * (type, sector, sector count) in order. A request the trace has no answer for, or a write whose
 * data differs from the recorded one, is a divergence.
 */
final class RecordedAnswers implements RequestHook {

    private record Key(int type, long sector, long sectorCount) {}

    private final int slot;
    private final Map<Key, Deque<ReconstructedRequest>> table = new LinkedHashMap<>();
    private final Function<String[], ReplayDivergence> diverge;
    private int answered;

    /**
     * @param slot the device's slot
     * @param requests the trace's requests to this slot, in order
     * @param diverge builds (and keeps) the divergence for a headline, what the trace has and what
     *     the driver asked
     */
    RecordedAnswers(int slot, List<ReconstructedRequest> requests, Function<String[], ReplayDivergence> diverge) {
        this.slot = slot;
        this.diverge = diverge;
        for (ReconstructedRequest request : requests) {
            table.computeIfAbsent(new Key(request.type(), request.sector(), request.sectorCount()),
                    key -> new ArrayDeque<>()).add(request);
        }
    }

    /** Requests answered so far. */
    int answered() {
        return answered;
    }

    @Override
    public RequestOutcome onRequest(BlkRequest request) {
        String asked = ReconstructedRequest.describe(request.type(), request.sector(), request.sectorCount());
        Deque<ReconstructedRequest> candidates = table.get(new Key(request.type(), request.sector(), request.sectorCount()));
        if (candidates == null || candidates.isEmpty()) {
            throw diverge.apply(new String[] {
                "slot " + slot + ": the driver asked for " + asked + ", which the trace has no "
                        + (candidates == null ? "" : "further ") + "answer for",
                remaining(request.type()), "request " + asked});
        }
        ReconstructedRequest recorded = candidates.poll();
        if (request.type() == ReconstructedRequest.T_OUT && !Arrays.equals(request.writeData(), recorded.writeData())) {
            throw diverge.apply(new String[] {
                "slot " + slot + ": the driver wrote other data than " + recorded.describe().replace(" -> ", ", answered ")
                        + " (event " + recorded.notifyEvent() + ")",
                recorded.writeData().length + " bytes recorded", request.writeData().length + " bytes written"});
        }
        answered++;
        return outcome(recorded, asked);
    }

    private RequestOutcome outcome(ReconstructedRequest recorded, String asked) {
        if (recorded.completion() instanceof ReconstructedRequest.Unanswered) {
            return RequestOutcome.never();
        }
        if (recorded.completion() instanceof ReconstructedRequest.NeedsReset) {
            return RequestOutcome.needsReset();
        }
        ReconstructedRequest.Answered answered = (ReconstructedRequest.Answered) recorded.completion();
        if (answered.status().isEmpty()) {
            throw diverge.apply(new String[] {
                "slot " + slot + ": the trace never shows the status byte of " + recorded.describeRequest()
                        + " (event " + recorded.notifyEvent() + ")", "a completion without a status read", "request " + asked});
        }
        int status = answered.status().getAsInt();
        Optional<byte[]> data = answered.data();
        RequestOutcome.Complete outcome = data.isPresent()
                ? RequestOutcome.data(data.get()).withStatus(status)
                : RequestOutcome.status(status);
        OptionalLong used = answered.usedLength();
        return used.isPresent() ? outcome.withUsedLen(used.getAsLong()) : outcome;
    }

    /** The requests of {@code type} still unanswered, for a report. */
    private String remaining(int type) {
        List<String> left = new ArrayList<>();
        for (Map.Entry<Key, Deque<ReconstructedRequest>> entry : table.entrySet()) {
            if (entry.getKey().type() == type && !entry.getValue().isEmpty()) {
                left.add(entry.getValue().size() + " x " + entry.getValue().peek().describeRequest());
            }
        }
        return left.isEmpty() ? "no unanswered request of this type"
                : "unanswered requests of this type: " + String.join("; ", left.subList(0, Math.min(6, left.size())))
                        + (left.size() > 6 ? "; ..." : "");
    }
}
