package dev.vblk.fuzz.oracle;

import dev.vblk.block.ErrorKind;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.fuzz.scenario.ZonedSpec;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.blk.BlkFeatures;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * {@link Invariant#REFUSAL}: a call the driver can refuse by itself (out of range, read-only, a range
 * command or the lifetime report not negotiated, a secure erase whose limits are 0, a negative
 * argument, a zone call's sector or size its zones do not allow) fails with one of the applicable kinds and sends no request.
 */
final class RefusalCheck {

    private final RunState run;

    RefusalCheck(RunState run) {
        this.run = run;
    }

    /** The error kinds a call must fail with before sending anything, or empty if it may go ahead. */
    Set<ErrorKind> refusals(ScenarioStep.DriverCall step) {
        Set<ErrorKind> kinds = EnumSet.noneOf(ErrorKind.class);
        long features = run.fake.negotiatedFeatures();
        boolean readOnly = FeatureBits.has(features, BlkFeatures.RO);
        if (step instanceof ScenarioStep.Read read) {
            addRange(kinds, read.sector(), read.count());
        } else if (step instanceof ScenarioStep.Write write) {
            if (readOnly) {
                kinds.add(ErrorKind.READ_ONLY);
            }
            addRange(kinds, write.sector(), write.count());
        } else if (step instanceof ScenarioStep.WriteZeroes zeroes) {
            addRangeCommand(kinds, BlkFeatures.WRITE_ZEROES, readOnly, zeroes.sector(), zeroes.count());
        } else if (step instanceof ScenarioStep.Discard discard) {
            addRangeCommand(kinds, BlkFeatures.DISCARD, readOnly, discard.sector(), discard.count());
        } else if (step instanceof ScenarioStep.SecureErase erase) {
            addRangeCommand(kinds, BlkFeatures.SECURE_ERASE, readOnly, erase.sector(), erase.count());
            if (!run.scenario.eraseLifetime().secureEraseLimitsUsable()) {
                kinds.add(ErrorKind.UNSUPPORTED);
            }
        } else if (step instanceof ScenarioStep.GetLifetime && !FeatureBits.has(features, BlkFeatures.LIFETIME)) {
            kinds.add(ErrorKind.UNSUPPORTED);
        } else if (step instanceof ScenarioStep.ZoneCall zone) {
            addZoneCall(kinds, zone, readOnly);
        }
        return kinds;
    }

    /**
     * A zone call's refusals, on the zoned interface the driver gives when ZONED was negotiated: a
     * sector outside the device, one that starts no zone (but a report's), a report of no zone, and
     * an append the device takes no append for (max_append_sectors 0), to a read-only device or of
     * more sectors than max_append_sectors or a zone.
     */
    private void addZoneCall(Set<ErrorKind> kinds, ScenarioStep.ZoneCall zone, boolean readOnly) {
        ZonedSpec spec = run.scenario.zoned();
        if (zone.command() == ScenarioStep.ZoneCommand.RESET_ALL) {
            return;
        }
        if (zone.sector() < 0 || zone.sector() >= run.fake.capacitySectors()) {
            kinds.add(ErrorKind.OUT_OF_RANGE);
        } else if (zone.command() != ScenarioStep.ZoneCommand.REPORT && zone.sector() % spec.zoneSectors() != 0) {
            kinds.add(ErrorKind.INVALID_ARGUMENT);
        }
        if (zone.command() == ScenarioStep.ZoneCommand.REPORT && zone.count() < 1) {
            kinds.add(ErrorKind.INVALID_ARGUMENT);
        }
        if (zone.command() == ScenarioStep.ZoneCommand.APPEND) {
            if (spec.maxAppendSectors() == 0) {
                kinds.add(ErrorKind.UNSUPPORTED);
            }
            if (readOnly) {
                kinds.add(ErrorKind.READ_ONLY);
            }
            if (zone.count() > Math.min(spec.maxAppendSectors(), spec.zoneSectors())) {
                kinds.add(ErrorKind.INVALID_ARGUMENT);
            }
        }
    }

    /** Checks that a call due {@code refusals} (if any) failed with one of them and sent nothing. */
    void check(Where where, CallResult result, List<Seen> seen, Set<ErrorKind> refusals) {
        if (refusals.isEmpty()) {
            return;
        }
        if (result.succeeded() || !refusals.contains(result.error().kind())) {
            run.findings.add(Invariant.REFUSAL, where, (result.succeeded() ? "succeeded" : "failed with "
                    + result.error().kind()) + ", expected one of " + refusals);
        }
        if (!seen.isEmpty()) {
            run.findings.add(Invariant.REFUSAL, where, "sent " + seen.size() + " request(s) for a call it must refuse");
        }
    }

    private void addRangeCommand(Set<ErrorKind> kinds, int feature, boolean readOnly, long sector, long count) {
        if (!FeatureBits.has(run.fake.negotiatedFeatures(), feature)) {
            kinds.add(ErrorKind.UNSUPPORTED);
        }
        if (sector < 0 || count < 0) {
            kinds.add(ErrorKind.INVALID_ARGUMENT);
        }
        if (readOnly) {
            kinds.add(ErrorKind.READ_ONLY);
        }
        addRange(kinds, sector, count);
    }

    private void addRange(Set<ErrorKind> kinds, long sector, long count) {
        long capacity = run.fake.capacitySectors();
        if (sector < 0 || count < 0 || sector > capacity || count > capacity - sector) {
            kinds.add(ErrorKind.OUT_OF_RANGE);
        }
    }
}
