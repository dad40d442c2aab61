package dev.vblk.virtio.blk;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.dma.PhysicalRun;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.queue.BufferSegment;
import dev.vblk.virtio.queue.Virtqueue;
import dev.vblk.virtio.spec.BlkRequestFormat;
import dev.vblk.virtio.spec.ZoneFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * One request queue's ring and request buffers, as a request passes through them: a request is
 * placed in a DMA buffer of its own (the data it sends, its header, a status byte written
 * {@link ErrorPolicy#STATUS_UNWRITTEN}) and made available as one chain of header, data runs and
 * status (through an indirect table when the layout has one); when the device returns it, its
 * status byte and used length are checked and what it read is copied out before the buffer goes
 * back.
 */
final class RequestRing {

    /** What {@link #post} returns when the chain needs more descriptors than are free. */
    static final int NOT_POSTED = -1;

    private final Platform platform;
    private final String owner;
    private final ErrorPolicy errors;
    private final Virtqueue ring;
    private final RequestBuffers buffers;
    private final RequestLayout layout;
    private final int maxRunBytes;

    /**
     * @param owner how errors of the ring name the device
     * @param layout the layout of every request buffer
     * @param maxRunBytes the longest physically contiguous run one descriptor carries
     */
    RequestRing(Platform platform, String owner, ErrorPolicy errors, Virtqueue ring, RequestBuffers buffers,
            RequestLayout layout, int maxRunBytes) {
        this.platform = platform;
        this.owner = owner;
        this.errors = errors;
        this.ring = ring;
        this.buffers = buffers;
        this.layout = layout;
        this.maxRunBytes = maxRunBytes;
    }

    /** The ring. */
    Virtqueue ring() {
        return ring;
    }

    /** How many requests the ring and the buffers can hold at once. */
    int capacity() {
        return Math.min(ring.size(), buffers.capacity());
    }

    /** Whether a buffer is free for another request. */
    boolean bufferAvailable() {
        return buffers.available();
    }

    /**
     * Places one request in a buffer and makes it available to the device.
     *
     * @param othersPosted whether other requests hold descriptors, which they give back when they complete
     * @return the ring's token for the request, or {@link #NOT_POSTED} (nothing written) when its chain
     *     needs more descriptors than are free and others are posted
     * @throws VirtioException OUT_OF_MEMORY when the chain needs more descriptors than are free and
     *     none are posted, or no buffer can be had
     */
    int post(BlkRequest request, boolean othersPosted) {
        RequestBuffers.RequestBuffer buffer = buffers.acquire(request.bufferDataBytes());
        int capacity = buffer.dataCapacity();
        List<BufferSegment> chain = chain(buffer, request);
        if (ring.descriptorsFor(chain.size()) > ring.freeDescriptors()) {
            buffers.release(buffer);
            if (othersPosted) {
                return NOT_POSTED;
            }
            throw new VirtioException(VirtioException.Kind.OUT_OF_MEMORY, owner, "the request needs "
                    + chain.size() + " descriptors, " + ring.freeDescriptors() + " are free");
        }
        if (request.dataBytes > 0 && !request.deviceWrites) {
            buffer.dma().write(platform, 0, request.data, request.dataOffset, request.dataBytes);
        }
        byte[] header = new byte[BlkRequestFormat.HEADER_BYTES + BlkRequestFormat.STATUS_BYTES];
        BlkRequestFormat.putHeader(header, 0, request.typeCode, request.headerSector());
        header[BlkRequestFormat.HEADER_BYTES] = (byte) ErrorPolicy.STATUS_UNWRITTEN;
        buffer.dma().write(platform, RequestLayout.headerOffset(capacity), header, 0, header.length);
        request.buffer = buffer;
        return ring.submit(chain, layout.tableEntries() > 0 ? buffer.dma().address(RequestLayout.tableOffset(capacity)) : 0);
    }

    private List<BufferSegment> chain(RequestBuffers.RequestBuffer buffer, BlkRequest request) {
        int capacity = buffer.dataCapacity();
        List<BufferSegment> chain = new ArrayList<>();
        chain.add(new BufferSegment(buffer.dma().address(RequestLayout.headerOffset(capacity)),
                BlkRequestFormat.HEADER_BYTES, false));
        if (request.dataBytes > 0) {
            for (PhysicalRun run : buffer.dma().segments(0, request.dataBytes, maxRunBytes)) {
                chain.add(new BufferSegment(run.address(), run.length(), request.deviceWrites));
            }
        }
        if (request.appendSector != null) {
            chain.add(new BufferSegment(buffer.dma().address(request.dataBytes), BlkRequestFormat.APPEND_SECTOR_BYTES, true));
        }
        chain.add(new BufferSegment(buffer.dma().address(RequestLayout.statusOffset(capacity)), BlkRequestFormat.STATUS_BYTES,
                true));
        return chain;
    }

    /**
     * Takes back a request the device returned with {@code usedLength} bytes written: checks its
     * status byte and length, copies what it read into the caller's array, frees its buffer.
     *
     * @return the error the request ends with, or null when it succeeded
     */
    BlockDeviceException complete(BlkRequest request, int usedLength) {
        RequestBuffers.RequestBuffer buffer = request.buffer;
        int capacity = buffer.dataCapacity();
        int status = platform.readU8(buffer.dma().address(RequestLayout.statusOffset(capacity)));
        BlockDeviceException error = errors.statusError(status, request.type(), request.sector, request.sectorCount);
        if (error == null && request.appendSector != null) {
            error = takeAppendSector(request, usedLength);
        } else if (error == null && request.typeCode == BlkRequestFormat.T_ZONE_REPORT) {
            error = takeReport(request, usedLength);
        } else if (error == null && request.deviceWrites && request.dataBytes > 0) {
            if (usedLength != request.dataBytes + BlkRequestFormat.STATUS_BYTES) {
                error = errors.error(ErrorKind.PROTOCOL_VIOLATION, "the device reported success but wrote "
                        + usedLength + " of " + (request.dataBytes + BlkRequestFormat.STATUS_BYTES) + " bytes")
                        .request(request.type(), request.sector, request.sectorCount).build();
            } else {
                buffer.dma().read(platform, 0, request.data, request.dataOffset, request.dataBytes);
            }
        }
        buffers.release(buffer);
        request.buffer = null;
        return error;
    }

    /** Copies out the append_sector of a successful ZONE_APPEND, which must have written it and the status alone. */
    private BlockDeviceException takeAppendSector(BlkRequest request, int usedLength) {
        int expected = BlkRequestFormat.APPEND_SECTOR_BYTES + BlkRequestFormat.STATUS_BYTES;
        if (usedLength != expected) {
            return wroteWrongLength(request, usedLength, expected + " bytes");
        }
        request.buffer.dma().read(platform, request.dataBytes, request.appendSector, 0, BlkRequestFormat.APPEND_SECTOR_BYTES);
        return null;
    }

    /**
     * Copies out a successful zone report: the device writes at least the report header and at most
     * the buffer; its descriptors are checked when the report is read.
     */
    private BlockDeviceException takeReport(BlkRequest request, int usedLength) {
        int least = ZoneFormat.REPORT_HEADER_BYTES + BlkRequestFormat.STATUS_BYTES;
        int most = request.dataBytes + BlkRequestFormat.STATUS_BYTES;
        if (usedLength < least || usedLength > most) {
            return wroteWrongLength(request, usedLength, least + " to " + most + " bytes");
        }
        request.buffer.dma().read(platform, 0, request.data, request.dataOffset, request.dataBytes);
        return null;
    }

    private BlockDeviceException wroteWrongLength(BlkRequest request, int usedLength, String expected) {
        return errors.error(ErrorKind.PROTOCOL_VIOLATION, "the device reported success but wrote " + usedLength
                + " bytes; " + expected + " expected").request(request.type(), request.sector, request.sectorCount).build();
    }

    /** The same buffers and layout over {@code renewed}, the ring a queue reset starts over with. */
    RequestRing over(Virtqueue renewed) {
        return new RequestRing(platform, owner, errors, renewed, buffers, layout, maxRunBytes);
    }

    /** Frees the buffer of a request the device gave up when its queue was reset. */
    void release(BlkRequest request) {
        buffers.release(request.buffer);
        request.buffer = null;
    }

    /** Sets apart the buffer of a request the device still holds, until the device is reset. */
    void abandon(BlkRequest request) {
        buffers.abandon(request.buffer);
    }
}
