package dev.vblk.fake.blk;

/**
 * The used element names a descriptor that heads no chain instead of the request's head: on a
 * split ring the second descriptor of the request's own chain (still in flight, so never the head
 * of another), or the queue size when the chain takes one ring descriptor; on a packed ring the queue
 * size as the buffer id. (The descriptor or buffer id after the request's, which it named before,
 * may be a chain the driver made available and the device has not fetched: a driver under
 * VIRTIO_F_IN_ORDER rightly takes that as used, with the request before it.)
 */
public record UsedIdLie() implements MemoryLie {}
