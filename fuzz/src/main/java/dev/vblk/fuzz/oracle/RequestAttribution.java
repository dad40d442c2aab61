package dev.vblk.fuzz.oracle;

import dev.vblk.fake.blk.DeviceRequest;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.BlkFeatures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Matches the requests the device saw during a batch to the batch's calls: the driver posts the calls
 * in submission order and each call's requests in order, so each call takes a run of requests that
 * continues it. A call that fails may end before its last request, where the next call may happen to
 * continue it (a write failing at sector 493 followed by a write at 501), so each call takes the
 * longest run that still leaves every call that succeeded all its requests and no request over; when
 * no split does, each call takes its longest run in turn. A request no call accounts for is a
 * {@link Invariant#DATA_INTEGRITY} finding.
 */
final class RequestAttribution {

    private final RunState run;

    RequestAttribution(RunState run) {
        this.run = run;
    }

    /**
     * The requests of each submitted call, in the order of {@code submitted}; {@code results} holds
     * each call's result (null if it never completed).
     */
    List<List<Seen>> attribute(Where where, List<BatchCall> submitted, List<CallResult> results, List<Seen> seen) {
        int[] ends = new int[submitted.size()];
        if (!split(submitted, results, seen, 0, 0, ends, new HashSet<>())) {
            int next = 0;
            for (int i = 0; i < submitted.size(); i++) {
                next = ends[i] = longestRun(submitted.get(i), seen, next);
            }
        }
        List<List<Seen>> groups = new ArrayList<>();
        int next = 0;
        for (int end : ends) {
            groups.add(new ArrayList<>(seen.subList(next, end)));
            next = end;
        }
        for (Seen extra : seen.subList(next, seen.size())) {
            run.findings.add(Invariant.DATA_INTEGRITY, where, "request " + Requests.describe(extra.request())
                    + " continues none of the batch's calls in submission order");
        }
        return groups;
    }

    /**
     * Whether calls {@code call} onwards can take the requests from {@code next} on, each a run that
     * continues it, longest first, every call that succeeded covered and no request over; fills
     * {@code ends} with where each run ends. {@code failed} holds the positions already found not to.
     */
    private boolean split(List<BatchCall> submitted, List<CallResult> results, List<Seen> seen, int call, int next,
            int[] ends, Set<Long> failed) {
        if (call == submitted.size()) {
            return next == seen.size();
        }
        if (!failed.add((long) call * (seen.size() + 1) + next)) {
            return false;
        }
        boolean succeeded = results.get(call) != null && results.get(call).succeeded();
        for (int end = longestRun(submitted.get(call), seen, next); end >= next; end--) {
            if ((!succeeded || covers(submitted.get(call).call(), seen.subList(next, end)))
                    && split(submitted, results, seen, call + 1, end, ends, failed)) {
                ends[call] = end;
                return true;
            }
        }
        return false;
    }

    /** Where the longest run of requests from {@code from} that continues {@code call} ends (none if it was refused). */
    private static int longestRun(BatchCall call, List<Seen> seen, int from) {
        int end = from;
        if (call.refused() == null) {
            long covered = 0;
            while (end < seen.size() && continues(call.call(), seen.get(end).request(), end - from, covered)) {
                covered += Requests.sectorsOf(seen.get(end++).request());
            }
        }
        return end;
    }

    /**
     * Whether the device saw every request of {@code call}: its sectors, or its one flush, get-id or
     * get-lifetime request.
     */
    boolean covers(ScenarioStep.DriverCall call, List<Seen> group) {
        long sectors = group.stream().mapToLong(seen -> Requests.sectorsOf(seen.request())).sum();
        if (call instanceof ScenarioStep.Read read) {
            return sectors == read.count();
        } else if (call instanceof ScenarioStep.Write write) {
            return sectors == write.count();
        } else if (call instanceof ScenarioStep.WriteZeroes zeroes) {
            return sectors == zeroes.count();
        } else if (call instanceof ScenarioStep.Discard discard) {
            return sectors == discard.count();
        } else if (call instanceof ScenarioStep.SecureErase erase) {
            return sectors == erase.count();
        } else if (call instanceof ScenarioStep.Flush) {
            return group.size() == (FeatureBits.has(run.fake.negotiatedFeatures(), BlkFeatures.FLUSH) ? 1 : 0);
        }
        return group.size() == 1;
    }

    /** Whether {@code r} is the next request of {@code call}, after {@code count} covering {@code covered} sectors. */
    private static boolean continues(ScenarioStep.DriverCall call, DeviceRequest r, int count, long covered) {
        if (call instanceof ScenarioStep.Read read) {
            return r.type() == VirtioBlk.T_IN && r.sector() == read.sector() + covered
                    && covered + r.sectorCount() <= read.count();
        } else if (call instanceof ScenarioStep.Write write) {
            return r.type() == VirtioBlk.T_OUT && r.sector() == write.sector() + covered
                    && covered + r.sectorCount() <= write.count();
        } else if (call instanceof ScenarioStep.WriteZeroes zeroes) {
            return r.type() == VirtioBlk.T_WRITE_ZEROES && startsAt(r, zeroes.sector() + covered)
                    && covered + Requests.sectorsOf(r) <= zeroes.count();
        } else if (call instanceof ScenarioStep.Discard discard) {
            return r.type() == VirtioBlk.T_DISCARD && startsAt(r, discard.sector() + covered)
                    && covered + Requests.sectorsOf(r) <= discard.count();
        } else if (call instanceof ScenarioStep.SecureErase erase) {
            return r.type() == VirtioBlk.T_SECURE_ERASE && startsAt(r, erase.sector() + covered)
                    && covered + Requests.sectorsOf(r) <= erase.count();
        } else if (call instanceof ScenarioStep.Flush) {
            return r.type() == VirtioBlk.T_FLUSH && count == 0;
        } else if (call instanceof ScenarioStep.GetLifetime) {
            return r.type() == VirtioBlk.T_GET_LIFETIME && count == 0;
        }
        return r.type() == VirtioBlk.T_GET_ID && count == 0;
    }

    private static boolean startsAt(DeviceRequest r, long sector) {
        return !r.ranges().isEmpty() && r.ranges().get(0).sector() == sector;
    }
}
