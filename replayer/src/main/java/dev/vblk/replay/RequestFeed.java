package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceFormatException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A trace's recorded requests, {@link RequestReconstructor reconstructed} from a pass over it as the
 * devices of a relaxed replay ask for more, and handed to the device of each request's slot. Only
 * the requests read ahead of the driver's asks are kept (by the devices), whatever the trace's length.
 *
 * <p>A pass that fails to read ends the requests there: the replay's own reading of the same trace
 * reports the failure.
 */
final class RequestFeed implements AutoCloseable {

    private final Supplier<TraceSource.Pass> source;
    private final UnaryOperator<Iterator<TraceEvent>> view;
    private final MmioWindow window;
    private final Map<Integer, Consumer<ReconstructedRequest>> devices = new HashMap<>();
    private Reading reading;
    private int handedOut;

    /**
     * @param source opens a pass over the trace
     * @param view how the devices see a pass's events (the PCI translation, or the events as they are)
     * @param window the window the viewed events address devices in
     */
    RequestFeed(Supplier<TraceSource.Pass> source, UnaryOperator<Iterator<TraceEvent>> view, MmioWindow window) {
        this.source = source;
        this.view = view;
        this.window = window;
    }

    /** Hands the requests of {@code slot} to {@code device}; requests of slots without one are passed over. */
    void deliverTo(int slot, Consumer<ReconstructedRequest> device) {
        devices.put(slot, device);
    }

    /** Reads the next recorded request and hands it to its device; false at the end of the trace. */
    boolean readMore() {
        if (reading == null) {
            reading = new Reading();
        }
        ReconstructedRequest request = reading.next();
        if (request == null) {
            return false;
        }
        handedOut++;
        Consumer<ReconstructedRequest> device = devices.get(request.slot());
        if (device != null) {
            device.accept(request);
        }
        return true;
    }

    /** How many requests the trace records: those handed out and the rest, read without keeping them. */
    int total() {
        if (reading == null) {
            reading = new Reading();
        }
        while (reading.next() != null) {
            handedOut++;
        }
        return handedOut;
    }

    /** Whether any request of the trace matches, read in a pass of its own. */
    boolean anyRecorded(Predicate<ReconstructedRequest> matches) {
        try (Reading again = new Reading()) {
            for (ReconstructedRequest request = again.next(); request != null; request = again.next()) {
                if (matches.test(request)) {
                    return true;
                }
            }
            return false;
        }
    }

    @Override
    public void close() {
        if (reading != null) {
            reading.close();
        }
    }

    /** One pass of reconstruction. */
    private final class Reading implements AutoCloseable {
        private final TraceSource.Pass pass = source.get();
        private final Iterator<TraceEvent> events = view.apply(pass);
        private final RequestReconstructor reconstructor = new RequestReconstructor(window);
        private final ArrayDeque<ReconstructedRequest> ready = new ArrayDeque<>();
        private boolean ended;

        /** The next request, or null at the end. */
        ReconstructedRequest next() {
            while (ready.isEmpty() && !ended) {
                try {
                    if (events.hasNext()) {
                        ready.addAll(reconstructor.accept(events.next()));
                        continue;
                    }
                } catch (TraceFormatException | UncheckedIOException e) {
                    // The replay's reading of the same trace reports it.
                }
                ready.addAll(reconstructor.finish());
                ended = true;
            }
            return ready.poll();
        }

        @Override
        public void close() {
            pass.close();
        }
    }
}
