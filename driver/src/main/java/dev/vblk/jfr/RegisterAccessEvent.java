package dev.vblk.jfr;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.MemoryAddress;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** One register read or write across the platform interface. Frequent, so disabled unless asked for. */
@Name(RegisterAccessEvent.NAME)
@Label("Register Access")
@Category({"vblk", "Platform"})
@Description("A register read or write the driver made through the platform interface")
@Enabled(false)
@StackTrace(false)
public final class RegisterAccessEvent extends Event {

    /** The event type's name in a recording. */
    public static final String NAME = "dev.vblk.RegisterAccess";

    @Label("Address")
    @MemoryAddress
    long address;

    @Label("Write")
    boolean write;

    @Label("Width (bits)")
    int widthBits;

    @Label("Value")
    long value;
}
