package dev.vblk.trace;

import dev.vblk.block.RequestType;

/** What an operation in a trace called: a block request, device discovery or a device reset. */
public enum OperationKind {
    READ,
    WRITE,
    FLUSH,
    GET_ID,
    DISCARD,
    WRITE_ZEROES,
    /** Device initialisation: reset, feature negotiation and queue setup. */
    INIT,
    /** A scan of the board's MMIO window for devices. */
    DISCOVERY,
    /** A reset of one device after it failed. */
    RESET;

    /** The operation kind of a block request type. */
    public static OperationKind of(RequestType type) {
        return valueOf(type.name());
    }
}
