package dev.vblk.fake.blk;

import java.util.List;

/**
 * Decides what the fake device does with each decoded request: the one fault-injection point for
 * request handling, shared by unit tests, property-based generators and trace-driven replay.
 * Implementations must be deterministic.
 */
@FunctionalInterface
public interface RequestHook {

    /** Every request completes as a correct device would complete it. */
    RequestHook NORMAL = request -> RequestOutcome.normal();

    /** The outcome for {@code request}. */
    RequestOutcome onRequest(DeviceRequest request);

    /**
     * Tells the hook, before {@link #onRequest}, which guest memory {@code request}'s chain occupies
     * as the device fetched it. Does nothing unless the hook wants to know.
     */
    default void fetched(DeviceRequest request, ChainFootprint footprint) {}

    /**
     * Tells the hook the status byte the device wrote when it answered {@code request}, whoever chose
     * it (the outcome, or the device's own rules when it executed the request). Does nothing unless
     * the hook wants to know.
     */
    default void answered(DeviceRequest request, int status) {}

    /**
     * A request this hook {@link RequestOutcome#held() held} back, to be answered now.
     *
     * @param requestIndex the {@link DeviceRequest#index()} of the held request
     * @param outcome how it is answered
     */
    record Release(long requestIndex, RequestOutcome.Complete outcome) {}

    /**
     * The virtual time at which this hook next has held requests to answer, {@code Long.MAX_VALUE}
     * when it has none. The device asks while it keeps requests this hook held; when the time is
     * reached, {@link #releases} must answer at least one of them or move the time later.
     */
    default long nextReleaseTime() {
        return Long.MAX_VALUE;
    }

    /**
     * The held requests to answer at virtual time {@code now}, in the order they complete. The device
     * asks after each request it decoded and whenever {@link #nextReleaseTime()} is reached.
     */
    default List<Release> releases(long now) {
        return List.of();
    }

    /** {@code outcome} for the request with index {@code index}; this hook decides the others. */
    default RequestHook at(long index, RequestOutcome outcome) {
        return request -> request.index() == index ? outcome : onRequest(request);
    }

    /** The request with index i gets {@code outcomes.get(i)}; later requests complete normally. */
    static RequestHook script(List<? extends RequestOutcome> outcomes) {
        List<RequestOutcome> copy = List.copyOf(outcomes);
        return request -> request.index() < copy.size()
                ? copy.get((int) request.index())
                : RequestOutcome.normal();
    }
}
