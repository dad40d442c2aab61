package dev.vblk.fuzz.seeded;

import dev.vblk.block.ErrorKind;
import dev.vblk.discovery.MmioWindow;
import dev.vblk.fuzz.oracle.DataIntegrityCheck;
import dev.vblk.fuzz.oracle.FalseSuccessCheck;
import dev.vblk.fuzz.oracle.FatalStickyCheck;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.oracle.Findings;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.oracle.TerminationCheck;
import dev.vblk.fuzz.oracle.Where;
import dev.vblk.replay.ReconstructedRequest;
import dev.vblk.replay.RequestReconstructor;
import dev.vblk.replay.TraceEventFormatter;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The oracle for a recorded run: judges a trace from what the driver saw of the device (the requests
 * rebuilt from its calls by the replayer's {@link RequestReconstructor}) and what it reported (each
 * operation's outcome), with the scenario oracle's checks. It needs no model of the device, so it
 * judges a trace-seeded run, or any recording, the same way; a saved trace therefore gives its
 * findings again. Each request counts for the operation that made it available: a submitted read's
 * request for that read, even when the driver hands several submissions to the device with one
 * notification from a later wait.
 *
 * <ul>
 *   <li>{@link TerminationCheck}: no operation ends with something other than a block device error;
 *   <li>{@link FalseSuccessCheck}: an operation that succeeded had every one of its requests answered,
 *       with status byte 0 read back, and a read's (or GET_ID's) used length equal to its data and
 *       status bytes;
 *   <li>{@link DataIntegrityCheck}: a successful read's requests tile it, and it returns the bytes the
 *       device wrote for them (the trace keeps the read's data as its digest);
 *   <li>{@link FatalStickyCheck}: after a fatal error, or a failed reset, every synchronous call fails
 *       with its kind until a reset succeeds.
 * </ul>
 */
public final class TraceOracle {

    private static final Set<OperationKind> DEVICE_CALLS = EnumSet.of(OperationKind.READ, OperationKind.WRITE,
            OperationKind.FLUSH, OperationKind.GET_ID, OperationKind.DISCARD, OperationKind.WRITE_ZEROES);

    private TraceOracle() {}

    /** Every violation the recorded run shows, in the order of the operations' ends. */
    public static List<Finding> judge(List<TraceEvent> events, MmioWindow window) {
        Map<Long, List<ReconstructedRequest>> requests = new HashMap<>();
        for (ReconstructedRequest request : RequestReconstructor.reconstruct(events, window)) {
            requests.computeIfAbsent(request.operationId(), id -> new ArrayList<>()).add(request);
        }
        Map<Long, TraceEvent.OperationBegin> begins = new HashMap<>();
        Findings findings = new Findings();
        FatalStickyCheck fatal = new FatalStickyCheck(findings);
        for (TraceEvent event : events) {
            if (event instanceof TraceEvent.OperationBegin begin) {
                begins.put(begin.operationId(), begin);
                continue;
            }
            if (!(event instanceof TraceEvent.OperationEnd end) || !begins.containsKey(end.operationId())) {
                continue;
            }
            TraceEvent.OperationBegin begin = begins.get(end.operationId());
            Where where = Where.named(TraceEventFormatter.operation(begin));
            OperationOutcome outcome = end.outcome();
            boolean threw = outcome instanceof OperationOutcome.Failed failed && failed.blockErrorKind().isEmpty();
            if (threw) {
                OperationOutcome.Failed failed = (OperationOutcome.Failed) outcome;
                TerminationCheck.threw(findings, where, failed.errorKind(), failed.errorKind() + ": " + failed.message());
            }
            if (!DEVICE_CALLS.contains(begin.kind()) && begin.kind() != OperationKind.RESET) {
                continue;
            }
            List<ReconstructedRequest> mine = requests.getOrDefault(begin.operationId(), List.of());
            if (outcome instanceof OperationOutcome.Succeeded succeeded && DEVICE_CALLS.contains(begin.kind())) {
                FalseSuccessCheck.check(findings, where, mine.stream().map(TraceOracle::evidence).toList());
                if (begin.kind() == OperationKind.READ) {
                    readData(findings, where, begin, succeeded, mine);
                }
            }
            if (!begin.submitted() && !threw) {
                sticky(fatal, where, begin.kind(), outcome);
            }
        }
        return findings.all();
    }

    /** Judges a synchronous call against the fatal error in force, and notes the one it meets. */
    private static void sticky(FatalStickyCheck fatal, Where where, OperationKind kind, OperationOutcome outcome) {
        OperationOutcome.Failed failed = outcome instanceof OperationOutcome.Failed f ? f : null;
        ErrorKind failedWith = failed == null ? null : failed.blockErrorKind().orElseThrow();
        if (kind == OperationKind.RESET) {
            if (failed == null) {
                fatal.reset();
            } else {
                fatal.resetFailed(failedWith);
            }
        } else if (fatal.current() != null) {
            fatal.checkRefused(where, fatal.current(), failedWith, () -> failed.message());
        } else if (failedWith != null) {
            fatal.failed(failedWith, failedWith);
        }
    }

    /** A request of a successful operation, as the recording shows its answer. */
    private static FalseSuccessCheck.Evidence evidence(ReconstructedRequest request) {
        return new FalseSuccessCheck.Evidence(() -> request.index() + " (" + request.describeRequest() + ")",
                whyNotDone(request));
    }

    private static String whyNotDone(ReconstructedRequest request) {
        if (!(request.completion() instanceof ReconstructedRequest.Answered answered)) {
            return "the device never answered it";
        }
        if (answered.status().isEmpty()) {
            return "its status byte was never read";
        }
        int status = answered.status().getAsInt();
        if (status != 0) {
            return "the device answered it with " + ReconstructedRequest.statusName(status);
        }
        boolean deviceWrites = request.type() == ReconstructedRequest.T_IN || request.type() == ReconstructedRequest.T_GET_ID;
        if (deviceWrites && request.dataLength() > 0 && answered.usedLength().isPresent()
                && answered.usedLength().getAsLong() != request.dataLength() + 1L) {
            return "the device wrote " + answered.usedLength().getAsLong() + " of its " + (request.dataLength() + 1)
                    + " data and status bytes";
        }
        return null;
    }

    /** A successful read: its requests tile it, and it returned the bytes the device wrote for them. */
    private static void readData(Findings findings, Where where, TraceEvent.OperationBegin begin,
            OperationOutcome.Succeeded outcome, List<ReconstructedRequest> requests) {
        int before = findings.all().size();
        List<DataIntegrityCheck.Span> spans = requests.stream().map(r -> new DataIntegrityCheck.Span(
                () -> r.index() + " (" + r.describeRequest() + ")", r.type(), r.sector(), r.sectorCount(), r.dataLength())).toList();
        DataIntegrityCheck.tiling(findings, where, spans, ReconstructedRequest.T_IN, begin.sector(), begin.sectorCount(),
                Long.MAX_VALUE, Long.MAX_VALUE);
        if (findings.all().size() != before) {
            return;
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (ReconstructedRequest request : requests) {
            Optional<byte[]> bytes = request.completion() instanceof ReconstructedRequest.Answered answered
                    ? answered.data() : Optional.empty();
            if (bytes.isEmpty()) {
                findings.add(Invariant.DATA_INTEGRITY, where, "succeeded without reading back the data of "
                        + request.describeRequest());
                return;
            }
            data.writeBytes(bytes.get());
        }
        if (!OperationOutcome.Succeeded.ofData(data.toByteArray()).equals(outcome)) {
            findings.add(Invariant.DATA_INTEGRITY, where, "returned other bytes than the device wrote");
        }
    }
}
