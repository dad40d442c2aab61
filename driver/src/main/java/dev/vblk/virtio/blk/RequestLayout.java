package dev.vblk.virtio.blk;

import dev.vblk.virtio.spec.BlkRequestFormat;
import dev.vblk.virtio.spec.DescriptorLayout;

/**
 * Where the parts of one request lie in its DMA buffer:
 *
 * <pre>
 *   0               data (page-aligned), capacity bytes
 *   headerOffset    le32 type | le32 reserved | le64 sector     (16 bytes, 16-byte aligned)
 *   statusOffset    u8 status, written 0xff before the request is posted
 *   tableOffset     indirect descriptor table, 16 bytes a descriptor (16-byte aligned; only when
 *                   indirect descriptors are used)
 * </pre>
 *
 * @param maxDataBytes the largest data part a request carries
 * @param tableEntries descriptors of the indirect table (0 when indirect descriptors are not used)
 */
record RequestLayout(int maxDataBytes, int tableEntries) {

    /** Offset of the header in a buffer whose data part holds {@code capacity} bytes. */
    static int headerOffset(int capacity) {
        return (capacity + 15) & ~15;
    }

    /** Offset of the status byte. */
    static int statusOffset(int capacity) {
        return headerOffset(capacity) + BlkRequestFormat.HEADER_BYTES;
    }

    /** Offset of the indirect table. */
    static int tableOffset(int capacity) {
        return (statusOffset(capacity) + BlkRequestFormat.STATUS_BYTES + 15) & ~15;
    }

    /** Bytes of a buffer whose data part holds {@code capacity} bytes. */
    int bufferBytes(int capacity) {
        return tableEntries == 0 ? statusOffset(capacity) + BlkRequestFormat.STATUS_BYTES
                : tableOffset(capacity) + tableEntries * DescriptorLayout.BYTES;
    }
}
