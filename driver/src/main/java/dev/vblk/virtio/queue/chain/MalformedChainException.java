package dev.vblk.virtio.queue.chain;

/** A descriptor chain {@link ChainDecoder} cannot accept: where, why, and a sentence saying so. */
public final class MalformedChainException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long address;
    private final ChainDefect defect;

    /** A malformed chain whose fault lies at guest-physical {@code address}. */
    public MalformedChainException(long address, ChainDefect defect, String message) {
        super(message, null, false, false);
        this.address = address;
        this.defect = defect;
    }

    /** The guest-physical address of the offending descriptor, buffer or table. */
    public long address() {
        return address;
    }

    /** What is wrong with the chain. */
    public ChainDefect defect() {
        return defect;
    }
}
