package dev.vblk.fake.memory;

import java.util.ArrayList;
import java.util.List;

/**
 * Actions a device attached to guest RAM takes right after the driver reads a watched range: each
 * watch fires once, on the first driver read that overlaps it, and is then gone. This is how a
 * lying device changes memory between two reads of the same field by the driver.
 */
public final class ReadWatch {

    private record Watch(long address, long length, Runnable action) {}

    private final List<Watch> watches = new ArrayList<>();

    /** Runs {@code action} once, right after the driver's next read overlapping {@code [address, address + length)}. */
    public void add(long address, long length, Runnable action) {
        watches.add(new Watch(address, length, action));
    }

    /** The driver read {@code [address, address + length)}: fires and forgets every watch it overlaps. */
    public void afterRead(long address, long length) {
        if (watches.isEmpty()) {
            return;
        }
        List<Watch> fired = new ArrayList<>();
        watches.removeIf(watch -> {
            boolean overlaps = watch.address() < address + length && address < watch.address() + watch.length();
            if (overlaps) {
                fired.add(watch);
            }
            return overlaps;
        });
        fired.forEach(watch -> watch.action().run());
    }
}
