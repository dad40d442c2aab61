package dev.vblk.fuzz.oracle;

import dev.vblk.fake.blk.DeviceRequest;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.BlkFeatures;
import java.util.ArrayList;
import java.util.List;

/**
 * Matches the requests the device saw during a batch to the batch's calls: the driver posts the calls
 * in submission order and each call's requests in order, so each call takes the run of requests that
 * continues it. A request no call accounts for is a {@link Invariant#DATA_INTEGRITY} finding.
 */
final class RequestAttribution {

    private final RunState run;

    RequestAttribution(RunState run) {
        this.run = run;
    }

    /** The requests of each submitted call, in the order of {@code submitted}. */
    List<List<Seen>> attribute(String where, List<BatchCall> submitted, List<Seen> seen) {
        List<List<Seen>> groups = new ArrayList<>();
        int next = 0;
        for (BatchCall call : submitted) {
            List<Seen> group = new ArrayList<>();
            if (call.refused() == null) {
                long covered = 0;
                while (next < seen.size() && continues(call.call(), seen.get(next).request(), group.size(), covered)) {
                    covered += Requests.sectorsOf(seen.get(next).request());
                    group.add(seen.get(next++));
                }
            }
            groups.add(group);
        }
        for (Seen extra : seen.subList(next, seen.size())) {
            run.findings.add(Invariant.DATA_INTEGRITY, where, "request " + Requests.describe(extra.request())
                    + " continues none of the batch's calls in submission order");
        }
        return groups;
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
