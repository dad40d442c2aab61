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
    RequestOutcome onRequest(BlkRequest request);

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
