package dev.vblk.block;

/** The kind of block request an error or trace event refers to. */
public enum RequestType {
    READ,
    WRITE,
    FLUSH,
    GET_ID,
    DISCARD,
    WRITE_ZEROES,
    /** Device initialisation: reset, feature negotiation and queue setup. */
    INIT
}
