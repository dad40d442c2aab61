package dev.vblk.fuzz.seeded;

import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.Platform;
import java.util.Arrays;

/**
 * Stands in for a broken copy of the driver that ignores the status byte of every request: the only
 * one-byte memory read the driver makes is that byte, and here it always reads 0 (OK), whatever the
 * device wrote.
 */
final class IgnoredStatusByte extends ForwardingPlatform {

    IgnoredStatusByte(Platform delegate) {
        super(delegate);
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        super.readMemory(address, destination, offset, length);
        if (length == 1) {
            Arrays.fill(destination, offset, offset + 1, (byte) 0);
        }
    }
}
