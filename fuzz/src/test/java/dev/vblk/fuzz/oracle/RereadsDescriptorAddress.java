package dev.vblk.fuzz.oracle;

import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.platform.LittleEndian;
import dev.vblk.platform.Platform;

/**
 * Stands in for a broken copy of the driver that, completing a request, finds its status byte
 * through the ring: it reads back the last descriptor it wrote (16 bytes on the split ring, the
 * 14-byte body of a packed head) and, when that is the chain's one-byte status descriptor, reads the
 * status from the address the descriptor holds now instead of from its own copy. The only one-byte
 * memory read the driver makes is the status byte.
 */
final class RereadsDescriptorAddress extends ForwardingPlatform {

    private static final int SPLIT_DESCRIPTOR = 16;
    private static final int PACKED_BODY = 14;

    private long lastDescriptor = -1;

    RereadsDescriptorAddress(Platform delegate) {
        super(delegate);
    }

    @Override
    public void writeMemory(long address, byte[] source, int offset, int length) {
        super.writeMemory(address, source, offset, length);
        if (length == SPLIT_DESCRIPTOR || length == PACKED_BODY) {
            lastDescriptor = address;
        }
    }

    @Override
    public void readMemory(long address, byte[] destination, int offset, int length) {
        if (length != 1 || lastDescriptor < 0) {
            super.readMemory(address, destination, offset, length);
            return;
        }
        byte[] descriptor = new byte[12];
        super.readMemory(lastDescriptor, descriptor, 0, descriptor.length);
        boolean statusDescriptor = LittleEndian.get(descriptor, 8, 4) == 1;
        super.readMemory(statusDescriptor ? LittleEndian.get(descriptor, 0, 8) : address, destination, offset, 1);
    }
}
