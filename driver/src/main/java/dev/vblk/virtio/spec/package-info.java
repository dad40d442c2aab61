/**
 * The virtio wire formats the driver and everything that reads its traffic share, each fact written
 * once: the 16-byte descriptor of the split and packed rings with its flags
 * ({@link dev.vblk.virtio.spec.DescriptorLayout}), the virtio-blk request's header, types, status
 * byte and range segment ({@link dev.vblk.virtio.spec.BlkRequestFormat}), the bounds of a queue's
 * size ({@link dev.vblk.virtio.spec.QueueSize}) and the fields of the virtio-pci common configuration
 * structure ({@link dev.vblk.virtio.spec.PciCommonConfig}). Like Agrona's {@code RecordDescriptor},
 * each class holds the offsets and sizes of one structure and the few static methods that write or
 * test its fields in a byte array; none keeps state or reaches the machine. The ring layouts built
 * from these are {@code dev.vblk.virtio.queue}'s {@code SplitVirtqueueLayout} and
 * {@code PackedVirtqueueLayout}, the virtio-mmio registers {@code dev.vblk.virtio.MmioRegister}, and
 * the 512-byte sector and 20-byte identification string {@code dev.vblk.block}'s
 * {@code BlockDevice.SECTOR_SIZE} and {@code AsyncBlockDevice.ID_BYTES}.
 */
package dev.vblk.virtio.spec;
