package dev.vblk.fuzz.oracle;

import dev.vblk.block.ErrorKind;
import dev.vblk.block.ZoneDescriptor;
import dev.vblk.block.ZoneState;
import dev.vblk.block.ZoneType;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.oracle.RequestRecorder.Seen;
import dev.vblk.fuzz.scenario.OutcomeSpec;
import dev.vblk.fuzz.scenario.ScenarioStep;
import dev.vblk.fuzz.scenario.ZonedSpec;
import java.util.Arrays;
import java.util.List;

/**
 * {@link Invariant#ZONES}: the zone calls on a zoned device. A report that succeeded gives at most the
 * zones asked for, from the zone holding its sector on in zone-size steps inside the capacity, each
 * consistent (a capacity no larger than its zone, a conventional type exactly with the not-write-pointer
 * state, a write pointer inside the zone and at its start when empty); when the device executed it as
 * a correct device, as many zones as it has from there and of the types it has. An append that
 * succeeded answers a sector that places its data inside its zone, and the data lies there when the
 * device executed it. A zone lie the device told in answering a call on a quiet device (an append
 * answered outside its zone, a report of undefined states) ends it with PROTOCOL_VIOLATION. That a
 * refusal by the device's zone rules gives the zone error kind is {@link FailureKindCheck}'s to judge.
 */
final class ZoneCheck {

    private final RunState run;

    ZoneCheck(RunState run) {
        this.run = run;
    }

    /** A zone call that succeeded with {@code value} (the zones of a report, the sector of an append). */
    void checkSuccess(CallObservation call) {
        if (!(call.step() instanceof ScenarioStep.ZoneCall zone)) {
            return;
        }
        boolean executed = call.seen().size() == 1
                && Requests.undelayed(call.seen().get(0).outcome()) instanceof OutcomeSpec.Normal;
        if (zone.command() == ScenarioStep.ZoneCommand.REPORT) {
            @SuppressWarnings("unchecked")
            List<ZoneDescriptor> zones = (List<ZoneDescriptor>) call.result().value();
            report(call.where(), zone, zones, executed && run.scenario.zoned().lie() == FakeBlkConfig.ZoneLie.NONE);
        } else if (zone.command() == ScenarioStep.ZoneCommand.APPEND) {
            append(call.where(), zone, (Long) call.result().value(), executed);
        }
    }

    /** A zone call on a quiet device that failed with {@code kind}: a zone lie it met ends it with PROTOCOL_VIOLATION. */
    void checkFailure(CallObservation call, ErrorKind kind) {
        if (!(call.step() instanceof ScenarioStep.ZoneCall) || !call.quiet() || !call.refusals().isEmpty()
                || call.seen().size() != 1 || kind == ErrorKind.PROTOCOL_VIOLATION) {
            return;
        }
        Seen seen = call.seen().get(0);
        FakeBlkConfig.ZoneLie lie = run.scenario.zoned().lie();
        boolean told = Requests.undelayed(seen.outcome()) instanceof OutcomeSpec.Normal
                && run.recorder.statusWritten(seen.request()).orElse(-1) == VirtioBlk.S_OK
                && (lie == FakeBlkConfig.ZoneLie.APPEND_OUTSIDE_ZONE && seen.request().type() == VirtioBlk.T_ZONE_APPEND
                        || lie == FakeBlkConfig.ZoneLie.UNDEFINED_STATE && seen.request().type() == VirtioBlk.T_ZONE_REPORT);
        if (told) {
            run.findings.add(Invariant.ZONES, call.where(), "failed with " + kind + " although the device told its zone lie "
                    + lie + ": a reply that breaks the specification is a PROTOCOL_VIOLATION");
        }
    }

    private void report(Where where, ScenarioStep.ZoneCall call, List<ZoneDescriptor> zones, boolean executed) {
        ZonedSpec spec = run.scenario.zoned();
        long capacity = run.fake.capacitySectors();
        long first = call.sector() / spec.zoneSectors();
        long expected = Math.min(call.count(), spec.zones() - first);
        if (zones.size() > call.count() || executed && zones.size() != expected) {
            run.findings.add(Invariant.ZONES, where, "reported " + zones.size() + " zones; " + (executed ? "the device has "
                    + expected : "at most " + call.count() + " were asked for"));
        }
        for (int i = 0; i < zones.size(); i++) {
            ZoneDescriptor zone = zones.get(i);
            long start = (first + i) * spec.zoneSectors();
            String wrong = wrong(zone, start, Math.min(spec.zoneSectors(), capacity - start), capacity);
            if (wrong == null && executed && zone.type() != typeOf(first + i)) {
                wrong = "has type " + zone.type() + "; the device's zone is " + typeOf(first + i);
            }
            if (wrong != null) {
                run.findings.add(Invariant.ZONES, where, "reported zone " + i + " (" + zone + ") " + wrong);
                return;
            }
        }
    }

    /** What is wrong with a reported zone that should be the one at {@code start} of {@code size} sectors, or null. */
    private static String wrong(ZoneDescriptor zone, long start, long size, long capacity) {
        if (start >= capacity) {
            return "lies past the capacity of " + capacity + " sectors";
        }
        if (zone.start() != start) {
            return "starts at " + zone.start() + ", not " + start;
        }
        if (zone.capacity() < 0 || zone.capacity() > size) {
            return "has a capacity of " + zone.capacity() + " in a zone of " + size + " sectors";
        }
        if ((zone.type() == ZoneType.CONVENTIONAL) != (zone.state() == ZoneState.NOT_WRITE_POINTER)) {
            return "pairs type " + zone.type() + " with state " + zone.state();
        }
        if (zone.state().hasWritePointer() && (zone.writePointer() < start || zone.writePointer() > start + zone.capacity())) {
            return "has its write pointer outside the zone";
        }
        if (zone.state() == ZoneState.EMPTY && zone.writePointer() != start) {
            return "is empty with its write pointer away from its start";
        }
        return null;
    }

    /** The type of the device's zone {@code index}: conventional first, then sequential. */
    private ZoneType typeOf(long index) {
        return index < ZonedSpec.CONVENTIONAL_ZONES ? ZoneType.CONVENTIONAL
                : run.scenario.zoned().model() == 1 ? ZoneType.SEQUENTIAL_WRITE_REQUIRED : ZoneType.SEQUENTIAL_WRITE_PREFERRED;
    }

    private void append(Where where, ScenarioStep.ZoneCall call, long sector, boolean executed) {
        long zoneEnd = Math.min(call.sector() + run.scenario.zoned().zoneSectors(), run.fake.capacitySectors());
        if (sector < call.sector() || sector > zoneEnd - call.count()) {
            run.findings.add(Invariant.ZONES, where, "append of " + call.count() + " sectors succeeded at sector " + sector
                    + ", outside the zone of sectors " + call.sector() + " to " + zoneEnd);
            return;
        }
        if (executed && !Arrays.equals(call.data(), run.disk.peek(sector * 512, call.count() * 512))) {
            run.findings.add(Invariant.DATA_INTEGRITY, where, "the device holds other data at sector " + sector
                    + ", where the append says it wrote");
        }
    }
}
