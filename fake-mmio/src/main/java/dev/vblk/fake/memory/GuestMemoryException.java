package dev.vblk.fake.memory;

import dev.vblk.platform.PlatformException;

/** A guest memory access outside the fake machine's RAM: the fake platform refusing the call. */
public final class GuestMemoryException extends PlatformException {

    private static final long serialVersionUID = 1L;

    private final long address;

    public GuestMemoryException(long address, long length, SparseRam ram) {
        super(String.format(
                "guest memory access at 0x%x (%d bytes) is outside RAM [0x%x, 0x%x)",
                address, length, ram.base(), ram.base() + ram.size()));
        this.address = address;
    }

    /** The first address of the failed access. */
    public long address() {
        return address;
    }
}
