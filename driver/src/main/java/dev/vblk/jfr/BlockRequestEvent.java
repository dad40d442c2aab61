package dev.vblk.jfr;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/** One call on a block device, timed, with its outcome: the event behind per-operation latency reports. */
@Name(BlockRequestEvent.NAME)
@Label("Block Request")
@Category({"vblk", "Block"})
@Description("A read, write, flush, discard, write-zeroes, secure-erase, get-id or get-lifetime call on a block device,"
        + " or a zone command of a zoned one")
public final class BlockRequestEvent extends Event {

    /** The event type's name in a recording. */
    public static final String NAME = "dev.vblk.BlockRequest";

    @Label("Device")
    String device;

    @Label("Operation")
    String operation;

    @Label("Sector")
    long sector;

    @Label("Bytes")
    @DataAmount
    long bytes;

    @Label("Outcome")
    @Description("OK, or the error kind")
    String outcome;
}
