package dev.vblk.fuzz.oracle;

import dev.vblk.fake.blk.DeviceRequest;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fuzz.scenario.OutcomeSpec;

/** How the oracle names a request the fake device decoded, and reads its size and scripted outcome. */
final class Requests {

    private Requests() {}

    /** The request for a finding: number, type, head, sector, sectors and data bytes. */
    static String describe(DeviceRequest r) {
        return String.format("#%d (type %d, head %d, sector %d, %d sectors, %d data bytes)",
                r.index(), r.type(), r.head(), r.sector(), r.sectorCount(), r.dataLength());
    }

    /** The sectors a request covers: its ranges' for discard, write-zeroes and secure erase, else its own. */
    static long sectorsOf(DeviceRequest r) {
        return r.type() == VirtioBlk.T_DISCARD || r.type() == VirtioBlk.T_WRITE_ZEROES || r.type() == VirtioBlk.T_SECURE_ERASE
                ? r.ranges().stream().mapToLong(DeviceRequest.Range::sectorCount).sum() : r.sectorCount();
    }

    /** The outcome a delayed outcome delays, or the outcome itself; a rewrite of driver memory set aside. */
    static OutcomeSpec undelayed(OutcomeSpec outcome) {
        OutcomeSpec answer = OutcomeSpec.answer(outcome);
        return answer instanceof OutcomeSpec.Delayed d ? d.then() : answer;
    }
}
