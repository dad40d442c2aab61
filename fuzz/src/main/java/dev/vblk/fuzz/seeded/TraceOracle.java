package dev.vblk.fuzz.seeded;

import dev.vblk.block.ErrorKind;
import dev.vblk.discovery.MmioWindow;
import dev.vblk.fuzz.oracle.CallBudgetExceeded;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.replay.ReconstructedRequest;
import dev.vblk.replay.RequestReconstructor;
import dev.vblk.replay.TraceEventFormatter;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The oracle for a recorded run: judges a trace from what the driver saw of the device (the requests
 * rebuilt from its calls by the replayer's {@link RequestReconstructor}) and what it reported (each
 * operation's outcome). It needs no model of the device, so it judges a trace-seeded run, or any
 * recording, the same way; a saved trace therefore gives its findings again. Each request counts for
 * the operation that made it available: a submitted read's request for that read, even when the
 * driver hands several submissions to the device with one notification from a later wait.
 *
 * <ul>
 *   <li>{@link Invariant#BOUNDED}: no operation ends with {@link CallBudgetExceeded};
 *   <li>{@link Invariant#ONLY_BLOCK_DEVICE_EXCEPTION}: every failure is a block device error kind;
 *   <li>{@link Invariant#NO_FALSE_SUCCESS}: an operation that succeeded had every one of its requests
 *       answered, with status byte 0 read back, and a read's (or GET_ID's) used length equal to its
 *       data and status bytes;
 *   <li>{@link Invariant#DATA_INTEGRITY}: a successful read returns the bytes the device wrote for it,
 *       in sector order;
 *   <li>{@link Invariant#FATAL_STICKY}: after a fatal error every call fails until a reset succeeds.
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
        List<Finding> findings = new ArrayList<>();
        ErrorKind sticky = null;
        for (TraceEvent event : events) {
            if (event instanceof TraceEvent.OperationBegin begin) {
                begins.put(begin.operationId(), begin);
                continue;
            }
            if (!(event instanceof TraceEvent.OperationEnd end) || !begins.containsKey(end.operationId())) {
                continue;
            }
            TraceEvent.OperationBegin begin = begins.get(end.operationId());
            String where = TraceEventFormatter.operation(begin);
            OperationOutcome outcome = end.outcome();
            if (outcome instanceof OperationOutcome.Failed failed && failed.blockErrorKind().isEmpty()) {
                boolean hang = failed.errorKind().equals(CallBudgetExceeded.class.getName());
                findings.add(new Finding(hang ? Invariant.BOUNDED : Invariant.ONLY_BLOCK_DEVICE_EXCEPTION, where,
                        failed.errorKind() + ": " + failed.message()));
            }
            if (!DEVICE_CALLS.contains(begin.kind()) && begin.kind() != OperationKind.RESET) {
                continue;
            }
            List<ReconstructedRequest> mine = requests.getOrDefault(begin.operationId(), List.of());
            if (outcome instanceof OperationOutcome.Succeeded succeeded && DEVICE_CALLS.contains(begin.kind())) {
                falseSuccess(mine).ifPresent(detail -> findings.add(new Finding(Invariant.NO_FALSE_SUCCESS, where, detail)));
                if (begin.kind() == OperationKind.READ) {
                    wrongData(begin, succeeded, mine).ifPresent(detail ->
                            findings.add(new Finding(Invariant.DATA_INTEGRITY, where, detail)));
                }
            }
            if (!begin.submitted()) {
                sticky = sticky(findings, where, begin.kind(), outcome, sticky);
            }
        }
        return findings;
    }

    /** The fatal error in force after a synchronous call, noting a call that succeeded despite it. */
    private static ErrorKind sticky(List<Finding> findings, String where, OperationKind kind, OperationOutcome outcome,
            ErrorKind sticky) {
        Optional<ErrorKind> failedWith = outcome instanceof OperationOutcome.Failed failed ? failed.blockErrorKind()
                : Optional.empty();
        if (kind == OperationKind.RESET) {
            return outcome instanceof OperationOutcome.Succeeded ? null : sticky;
        }
        if (sticky != null && outcome instanceof OperationOutcome.Succeeded) {
            findings.add(new Finding(Invariant.FATAL_STICKY, where, "succeeded after the fatal error " + sticky
                    + " without a reset"));
        }
        if (sticky == null && failedWith.isPresent() && ScenarioRunner.FATAL.contains(failedWith.get())) {
            return failedWith.get();
        }
        return sticky;
    }

    private static Optional<String> falseSuccess(List<ReconstructedRequest> requests) {
        for (ReconstructedRequest request : requests) {
            String what = request.describeRequest();
            if (!(request.completion() instanceof ReconstructedRequest.Answered answered)) {
                return Optional.of("succeeded though the device never answered " + what);
            }
            if (answered.status().isEmpty()) {
                return Optional.of("succeeded without reading the status byte of " + what);
            }
            int status = answered.status().getAsInt();
            if (status != 0) {
                return Optional.of("succeeded though the device answered " + what + " with status "
                        + ReconstructedRequest.statusName(status));
            }
            boolean deviceWrites = request.type() == ReconstructedRequest.T_IN || request.type() == ReconstructedRequest.T_GET_ID;
            if (deviceWrites && request.dataLength() > 0 && answered.usedLength().isPresent()
                    && answered.usedLength().getAsLong() != request.dataLength() + 1L) {
                return Optional.of("succeeded though the device wrote " + answered.usedLength().getAsLong() + " of "
                        + (request.dataLength() + 1) + " bytes of " + what);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> wrongData(TraceEvent.OperationBegin begin, OperationOutcome.Succeeded outcome,
            List<ReconstructedRequest> requests) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        List<ReconstructedRequest> bySector = new ArrayList<>(requests);
        bySector.sort(Comparator.comparingLong(ReconstructedRequest::sector));
        for (ReconstructedRequest request : bySector) {
            if (request.type() != ReconstructedRequest.T_IN) {
                return Optional.of("sent " + request.describeRequest() + " for a read");
            }
            Optional<byte[]> bytes = ((ReconstructedRequest.Answered) request.completion()).data();
            if (bytes.isEmpty()) {
                return Optional.of("succeeded without reading back the data of " + request.describeRequest());
            }
            data.writeBytes(bytes.get());
        }
        if (data.size() != begin.readLength()) {
            return Optional.of("its requests carried " + data.size() + " bytes for a read of " + begin.readLength());
        }
        if (!OperationOutcome.Succeeded.ofData(data.toByteArray()).equals(outcome)) {
            return Optional.of("returned other bytes than the device wrote");
        }
        return Optional.empty();
    }
}
