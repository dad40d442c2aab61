package dev.vblk.fuzz.oracle;

import dev.vblk.fake.blk.ChainFootprint;
import dev.vblk.fake.blk.DeviceRequest;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.Scenario;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * The fake device's request hook during a run: gives each request the outcome the scenario scripts
 * for it and remembers, per driver call, which requests the device saw and what it did with them; it
 * passes on where each fetched chain lies in guest memory, and keeps the status byte the device wrote
 * for each request it answered.
 */
final class RequestRecorder implements RequestHook {

    /** A request the device decoded and the outcome it was given. */
    record Seen(DeviceRequest request, OutcomeSpec outcome) {}

    private final Scenario scenario;
    private final List<Seen> seen = new ArrayList<>();
    /** The status byte the device wrote for each request it answered, by request index. */
    private final Map<Long, Integer> statuses = new HashMap<>();
    private boolean scripted = true;
    private long decoded;
    private BiConsumer<Long, ChainFootprint> fetchListener = (request, footprint) -> { };

    RequestRecorder(Scenario scenario) {
        this.scenario = scenario;
    }

    /** From now on tells {@code listener} each request's number and the memory its chain occupies. */
    void onFetch(BiConsumer<Long, ChainFootprint> listener) {
        fetchListener = listener;
    }

    @Override
    public void fetched(DeviceRequest request, ChainFootprint footprint) {
        fetchListener.accept(request.index(), footprint);
    }

    /** From now on every request completes normally. */
    void stopFaults() {
        scripted = false;
    }

    /** Forgets what was seen so far (at the start of a driver call). */
    void beginCall() {
        seen.clear();
    }

    /** What the device saw since {@link #beginCall()}: a copy, to keep. */
    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** What the device saw since {@link #beginCall()}: a read-only view, which the next call changes. */
    List<Seen> seenInCall() {
        return Collections.unmodifiableList(seen);
    }

    /** Whether a request the device saw since {@link #beginCall()} was given an outcome {@code test} accepts. */
    boolean anyOutcomeInCall(Predicate<OutcomeSpec> test) {
        for (Seen one : seen) {
            if (test.test(one.outcome())) {
                return true;
            }
        }
        return false;
    }

    /** Requests decoded over the device's whole life. */
    long decoded() {
        return decoded;
    }

    @Override
    public void answered(DeviceRequest request, int status) {
        statuses.put(request.index(), status);
    }

    /** The status byte the device wrote when it answered {@code request}, if it answered it. */
    OptionalInt statusWritten(DeviceRequest request) {
        Integer status = statuses.get(request.index());
        return status == null ? OptionalInt.empty() : OptionalInt.of(status);
    }

    @Override
    public RequestOutcome onRequest(DeviceRequest request) {
        decoded++;
        OutcomeSpec outcome = scripted ? scenario.outcomeOf(request.index()) : new OutcomeSpec.Normal();
        seen.add(new Seen(request, outcome));
        return outcome.toOutcome();
    }
}
