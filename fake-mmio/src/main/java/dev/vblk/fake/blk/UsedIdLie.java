package dev.vblk.fake.blk;

/**
 * The used element names a descriptor that heads no chain instead of the request's head: on a
 * split ring the second descriptor of the request's own chain (still in flight, so never the head
 * of another), or the descriptor after the head when the chain takes one ring descriptor; on a
 * packed ring the buffer id after the request's, modulo the queue size (free unless another chain
 * holds it).
 */
public record UsedIdLie() implements MemoryLie {}
