package dev.vblk.virtio.blk;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.BlockDeviceInfo;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestType;
import dev.vblk.dma.DmaBuffer;
import dev.vblk.dma.PhysicalRun;
import dev.vblk.platform.FrameAllocator;
import dev.vblk.platform.LittleEndian;
import dev.vblk.platform.Platform;
import dev.vblk.platform.PlatformException;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.InterruptStatus;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.VirtioMmioTransport;
import dev.vblk.virtio.queue.BufferSegment;
import dev.vblk.virtio.queue.SplitVirtqueue;
import dev.vblk.virtio.queue.UsedElement;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The virtio-blk driver: a {@link BlockDevice} over one modern virtio-mmio transport with one split
 * virtqueue, reaching the machine only through a {@link Platform}.
 *
 * <p>Each request is a chain of a 16-byte header, the data segments and a one-byte status, placed in
 * a DMA buffer of its own (contiguous, or one frame per page when the allocator refuses). Calls are
 * synchronous: the driver posts the chain, notifies the device and polls the used ring, waiting on the
 * interrupt line between polls, within a time and poll budget.
 *
 * <p>Errors that leave the device in an unknown state (a timeout, DEVICE_NEEDS_RESET, a protocol
 * violation, a failed flush, a failing platform) make the device unusable: every later call fails
 * with the same kind until {@link #reset()} brings it back.
 */
public final class VirtioBlkDevice implements BlockDevice {

    /** Request types (VirtIO 1.1 section 5.2.6). */
    static final int T_IN = 0;
    static final int T_OUT = 1;
    static final int T_FLUSH = 4;
    static final int T_GET_ID = 8;
    static final int T_DISCARD = 11;
    static final int T_WRITE_ZEROES = 13;
    /** Request status bytes. */
    static final int S_OK = 0;
    static final int S_IOERR = 1;
    static final int S_UNSUPP = 2;
    /** Written to the status byte before a request is posted, so a device that never writes it is caught. */
    static final int STATUS_UNWRITTEN = 0xff;
    static final int HEADER_BYTES = 16;
    static final int ID_BYTES = 20;
    static final int RANGE_SEGMENT_BYTES = 16;
    /** The virtio device ID of a block device. */
    public static final int DEVICE_TYPE = 2;
    private static final int QUEUE = 0;
    private static final int PAGE = FrameAllocator.FRAME_SIZE;

    private final Platform platform;
    private final VirtioMmioTransport transport;
    private final BlockDeviceId id;
    private final DriverOptions options;
    private final List<DmaBuffer> abandoned = new ArrayList<>();

    private long features;
    private VirtioBlkConfig config;
    private BlockDeviceInfo info;
    private SplitVirtqueue queue;
    private int maxTransferBytes;
    private int maxRunBytes;
    private BlockDeviceException fatal;

    private VirtioBlkDevice(Platform platform, MmioSlot slot, DriverOptions options) {
        this.platform = platform;
        this.id = new BlockDeviceId(DEVICE_TYPE, slot.baseAddress());
        this.transport = new VirtioMmioTransport(platform, slot, id.toString());
        this.options = options;
    }

    /**
     * Checks that {@code slot} holds a modern virtio block device and initialises it: reset, feature
     * negotiation, queue setup, writeback cache on, DRIVER_OK.
     *
     * @throws BlockDeviceException if the slot holds no such device or initialisation fails
     */
    public static VirtioBlkDevice open(Platform platform, MmioSlot slot, DriverOptions options) {
        VirtioBlkDevice device = new VirtioBlkDevice(platform, slot, options);
        device.guard(RequestType.INIT, -1, 0, () -> {
            device.checkIdentity();
            device.initialize();
            return null;
        });
        return device;
    }

    @Override
    public BlockDeviceId id() {
        return id;
    }

    @Override
    public BlockDeviceInfo info() {
        return info;
    }

    /** The feature word agreed with the device. */
    public long negotiatedFeatures() {
        return features;
    }

    /** The configuration as last read from the device. */
    public VirtioBlkConfig config() {
        return config;
    }

    /** The transport slot the device sits in. */
    public MmioSlot slot() {
        return transport.slot();
    }

    /** The largest transfer one request carries; longer calls are split into several requests. */
    public int maxTransferBytes() {
        return maxTransferBytes;
    }

    /** The error that made the device unusable, if one did. */
    public Optional<BlockDeviceException> fatalError() {
        return Optional.ofNullable(fatal);
    }

    @Override
    public void readAt(long sector, byte[] buffer) {
        long sectors = checkBuffer(RequestType.READ, sector, buffer);
        guard(RequestType.READ, sector, sectors, () -> {
            checkRange(RequestType.READ, sector, sectors);
            transfer(RequestType.READ, sector, buffer);
            return null;
        });
    }

    @Override
    public void writeAt(long sector, byte[] data) {
        long sectors = checkBuffer(RequestType.WRITE, sector, data);
        guard(RequestType.WRITE, sector, sectors, () -> {
            checkWritable(RequestType.WRITE, sector, sectors);
            checkRange(RequestType.WRITE, sector, sectors);
            transfer(RequestType.WRITE, sector, data);
            return null;
        });
    }

    @Override
    public void flush() {
        guard(RequestType.FLUSH, -1, 0, () -> {
            if (FeatureBits.has(features, BlkFeatures.FLUSH)) {
                execute(RequestType.FLUSH, T_FLUSH, 0, 0, null, 0, 0, false);
            }
            return null;
        });
    }

    @Override
    public void discard(long sector, long sectorCount) {
        rangeCommand(RequestType.DISCARD, T_DISCARD, BlkFeatures.DISCARD, sector, sectorCount);
    }

    @Override
    public void writeZeroes(long sector, long sectorCount) {
        rangeCommand(RequestType.WRITE_ZEROES, T_WRITE_ZEROES, BlkFeatures.WRITE_ZEROES, sector, sectorCount);
    }

    @Override
    public String deviceIdString() {
        return guard(RequestType.GET_ID, -1, 0, () -> {
            byte[] id = new byte[ID_BYTES];
            execute(RequestType.GET_ID, T_GET_ID, 0, 0, id, 0, ID_BYTES, true);
            int end = 0;
            while (end < ID_BYTES && id[end] != 0) {
                end++;
            }
            return new String(id, 0, end, StandardCharsets.US_ASCII);
        });
    }

    /**
     * Resets the device and initialises it again, releasing every buffer the device held: the way
     * back from DEVICE_NEEDS_RESET, a timeout or any other fatal error.
     *
     * @throws BlockDeviceException if the device cannot be initialised again
     */
    public void reset() {
        fatal = null;
        guard(RequestType.INIT, -1, 0, () -> {
            transport.reset();
            releaseMemory();
            initialize();
            return null;
        });
    }

    // ---- initialisation -------------------------------------------------------------------------

    private void checkIdentity() {
        int magic = transport.read(MmioRegister.MAGIC_VALUE);
        if (magic != MmioRegister.MAGIC) {
            throw error(ErrorKind.PROTOCOL_VIOLATION, String.format("MagicValue reads 0x%08x, not 0x%08x",
                    magic, MmioRegister.MAGIC)).request(RequestType.INIT).build();
        }
        int version = transport.read(MmioRegister.VERSION);
        if (version != MmioRegister.MODERN_VERSION) {
            throw error(ErrorKind.UNSUPPORTED, "virtio-mmio version " + version
                    + " (only the modern version 2 is supported)").request(RequestType.INIT).build();
        }
        int deviceType = transport.read(MmioRegister.DEVICE_ID);
        if (deviceType != DEVICE_TYPE) {
            throw error(ErrorKind.UNSUPPORTED, "device type " + deviceType + " is not a block device")
                    .request(RequestType.INIT).build();
        }
    }

    private void initialize() {
        try {
            features = transport.negotiate(BlkFeatures.WANTED, 0);
            queue = SplitVirtqueue.allocate(platform, QUEUE, chooseQueueSize(transport.queueNumMax(QUEUE)), id.toString());
            transport.setupQueue(QUEUE, queue.size(), queue.descriptorTableAddress(),
                    queue.availableRingAddress(), queue.usedRingAddress());
            config = VirtioBlkConfig.read(transport, features);
            if (FeatureBits.has(features, BlkFeatures.CONFIG_WCE) && config.writeback() != 1) {
                transport.writeConfigU8(VirtioBlkConfig.WRITEBACK, 1);
                config = VirtioBlkConfig.read(transport, features);
            }
            computeTransferLimits();
            info = describe(config);
            transport.driverOk();
        } catch (BlockDeviceException e) {
            abandonInitialisation();
            throw e;
        }
    }

    private void abandonInitialisation() {
        try {
            transport.markFailed();
            releaseMemory();
        } catch (PlatformException ignored) {
            // The initialisation error is the one worth reporting.
        }
    }

    private int chooseQueueSize(int numMax) {
        if (numMax <= 0) {
            throw error(ErrorKind.PROTOCOL_VIOLATION, "queue " + QUEUE + " is not available (QueueNumMax reads "
                    + Integer.toUnsignedString(numMax) + ")").request(RequestType.INIT).build();
        }
        int size = Integer.highestOneBit(Math.min(numMax, options.maxQueueSize()));
        if (size < 4) {
            throw error(ErrorKind.UNSUPPORTED, "queue " + QUEUE + " allows only " + numMax
                    + " descriptors; a request needs at least 3 and the driver uses 4 or more")
                    .request(RequestType.INIT).build();
        }
        return size;
    }

    /**
     * Works out the largest transfer one request can carry under SEG_MAX and SIZE_MAX when the data
     * buffer ends up in separate pages, the worst case; the data starts on a page boundary.
     */
    private void computeTransferLimits() {
        long segments = queue.size() - 2;
        if (config.segMax() > 0) {
            segments = Math.min(segments, config.segMax());
        }
        maxRunBytes = config.sizeMax() > 0 ? (int) Math.min(config.sizeMax(), Integer.MAX_VALUE) : Integer.MAX_VALUE;
        int pieceBytes = Math.min(PAGE, maxRunBytes);
        long piecesPerPage = (PAGE + pieceBytes - 1) / pieceBytes;
        long bytes = segments >= piecesPerPage ? (segments / piecesPerPage) * PAGE : segments * pieceBytes;
        bytes = Math.min(bytes, options.maxRequestBytes());
        maxTransferBytes = (int) (bytes / SECTOR_SIZE * SECTOR_SIZE);
        if (maxTransferBytes < SECTOR_SIZE) {
            throw error(ErrorKind.UNSUPPORTED, "the device's limits (seg_max " + config.segMax() + ", size_max "
                    + config.sizeMax() + ") cannot carry one sector").request(RequestType.INIT).build();
        }
    }

    private BlockDeviceInfo describe(VirtioBlkConfig current) {
        long blkSize = current.blkSize();
        boolean validBlockSize = blkSize >= SECTOR_SIZE && blkSize <= 65536 && Long.bitCount(blkSize) == 1;
        boolean flush = FeatureBits.has(features, BlkFeatures.FLUSH);
        boolean writeback = flush && (!FeatureBits.has(features, BlkFeatures.CONFIG_WCE) || current.writeback() == 1);
        return new BlockDeviceInfo(current.capacity(), validBlockSize ? (int) blkSize : SECTOR_SIZE,
                FeatureBits.has(features, BlkFeatures.RO), flush, writeback,
                FeatureBits.has(features, BlkFeatures.DISCARD), FeatureBits.has(features, BlkFeatures.WRITE_ZEROES));
    }

    private void releaseMemory() {
        if (queue != null) {
            queue.release();
            queue = null;
        }
        for (DmaBuffer buffer : abandoned) {
            buffer.free(platform);
        }
        abandoned.clear();
    }

    // ---- requests -------------------------------------------------------------------------------

    private void transfer(RequestType type, long sector, byte[] buffer) {
        boolean read = type == RequestType.READ;
        for (int offset = 0; offset < buffer.length; offset += maxTransferBytes) {
            int bytes = Math.min(maxTransferBytes, buffer.length - offset);
            execute(type, read ? T_IN : T_OUT, sector + offset / SECTOR_SIZE, bytes / SECTOR_SIZE,
                    buffer, offset, bytes, read);
        }
    }

    private void rangeCommand(RequestType type, int typeCode, int feature, long sector, long sectorCount) {
        guard(type, sector, sectorCount, () -> {
            if (!FeatureBits.has(features, feature)) {
                throw error(ErrorKind.UNSUPPORTED, "the device does not offer " + BlkFeatures.NAMES.get(feature))
                        .request(type, sector, sectorCount).build();
            }
            if (sector < 0 || sectorCount < 0) {
                throw error(ErrorKind.INVALID_ARGUMENT, "negative sector or count").request(type, sector, sectorCount).build();
            }
            checkWritable(type, sector, sectorCount);
            checkRange(type, sector, sectorCount);
            long limit = type == RequestType.DISCARD ? config.maxDiscardSectors() : config.maxWriteZeroesSectors();
            long perRequest = limit > 0 ? Math.min(limit, 0xffff_ffffL) : 0xffff_ffffL;
            for (long done = 0; done < sectorCount; done += perRequest) {
                long count = Math.min(perRequest, sectorCount - done);
                byte[] range = new byte[RANGE_SEGMENT_BYTES];
                LittleEndian.put(range, 0, 8, sector + done);
                LittleEndian.put(range, 8, 4, count);
                execute(type, typeCode, sector + done, count, range, 0, RANGE_SEGMENT_BYTES, false);
            }
            return null;
        });
    }

    /**
     * Runs one request: places data, header and status in a fresh DMA buffer (data first, so it
     * starts on a page boundary), posts the chain, waits for its completion and checks the status.
     *
     * @param data the bytes to send, or the array to receive into ({@code deviceWrites}); null for none
     */
    private void execute(RequestType type, int typeCode, long sector, long sectorCount,
            byte[] data, int dataOffset, int dataBytes, boolean deviceWrites) {
        drainInterrupts();
        int headerOffset = (dataBytes + 15) & ~15;
        DmaBuffer buffer = DmaBuffer.allocate(platform, headerOffset + HEADER_BYTES + 1, id.toString());
        boolean deviceOwnsBuffer = false;
        try {
            if (dataBytes > 0 && !deviceWrites) {
                buffer.write(platform, 0, data, dataOffset, dataBytes);
            }
            byte[] header = new byte[HEADER_BYTES + 1];
            LittleEndian.put(header, 0, 4, typeCode);
            LittleEndian.put(header, 8, 8, type == RequestType.READ || type == RequestType.WRITE ? sector : 0);
            header[HEADER_BYTES] = (byte) STATUS_UNWRITTEN;
            buffer.write(platform, headerOffset, header, 0, header.length);

            List<BufferSegment> chain = new ArrayList<>();
            chain.add(new BufferSegment(buffer.address(headerOffset), HEADER_BYTES, false));
            if (dataBytes > 0) {
                for (PhysicalRun run : buffer.segments(0, dataBytes, maxRunBytes)) {
                    chain.add(new BufferSegment(run.address(), run.length(), deviceWrites));
                }
            }
            chain.add(new BufferSegment(buffer.address(headerOffset + HEADER_BYTES), 1, true));
            if (chain.size() > queue.freeDescriptors()) {
                throw error(ErrorKind.OUT_OF_MEMORY, "the request needs " + chain.size() + " descriptors, "
                        + queue.freeDescriptors() + " are free").request(type, sector, sectorCount).build();
            }

            int head = queue.submit(chain);
            deviceOwnsBuffer = true;
            transport.notifyQueue(QUEUE);
            UsedElement used = awaitCompletion(head, type, sector, sectorCount);
            deviceOwnsBuffer = false;

            int status = platform.readU8(buffer.address(headerOffset + HEADER_BYTES));
            checkStatus(status, type, sector, sectorCount);
            if (deviceWrites && dataBytes > 0) {
                if (used.length() != dataBytes + 1) {
                    throw error(ErrorKind.PROTOCOL_VIOLATION, "the device reported success but wrote "
                            + used.length() + " of " + (dataBytes + 1) + " bytes")
                            .request(type, sector, sectorCount).build();
                }
                buffer.read(platform, 0, data, dataOffset, dataBytes);
            }
        } finally {
            if (deviceOwnsBuffer) {
                abandoned.add(buffer);
            } else {
                buffer.free(platform);
            }
        }
    }

    private UsedElement awaitCompletion(int head, RequestType type, long sector, long sectorCount) {
        long deadline = platform.nanoTime() + options.requestTimeoutNanos();
        for (int polls = 1; ; polls++) {
            queue.collectUsed();
            Optional<UsedElement> used = queue.takeCompletion(head);
            if (used.isPresent()) {
                drainInterrupts();
                return used.get();
            }
            if (polls >= options.maxPollsPerRequest() || platform.nanoTime() - deadline >= 0) {
                checkNeedsReset();
                throw error(ErrorKind.TIMEOUT, "no completion after " + polls + " polls within "
                        + options.requestTimeoutNanos() / 1_000_000 + " ms").request(type, sector, sectorCount).build();
            }
            if (transport.awaitInterrupt(options.pollIntervalNanos())) {
                handleInterrupt();
            }
        }
    }

    /** Handles an interrupt that is already pending, without waiting for one. */
    private void drainInterrupts() {
        if (transport.interruptPending()) {
            handleInterrupt();
        }
    }

    private void handleInterrupt() {
        int status = transport.interruptStatus();
        if (status == 0) {
            return;
        }
        transport.acknowledgeInterrupt(status);
        if ((status & InterruptStatus.CONFIG_CHANGE) != 0) {
            checkNeedsReset();
            config = VirtioBlkConfig.read(transport, features);
            info = describe(config);
        }
    }

    private void checkNeedsReset() {
        int status = transport.status();
        if ((status & DeviceStatus.DEVICE_NEEDS_RESET) != 0) {
            throw error(ErrorKind.DEVICE_NEEDS_RESET, "the device set DEVICE_NEEDS_RESET (status "
                    + DeviceStatus.describe(status) + ")").build();
        }
    }

    private void checkStatus(int status, RequestType type, long sector, long sectorCount) {
        switch (status) {
            case S_OK:
                return;
            case S_IOERR:
                throw error(type == RequestType.FLUSH ? ErrorKind.FLUSH_FAILED : ErrorKind.IO_ERROR,
                        type == RequestType.FLUSH ? "the device could not make written data durable"
                                : "the device reported an I/O error")
                        .request(type, sector, sectorCount).statusByte(status).build();
            case S_UNSUPP:
                throw error(ErrorKind.UNSUPPORTED, "the device does not support this request")
                        .request(type, sector, sectorCount).statusByte(status).build();
            case STATUS_UNWRITTEN:
                throw error(ErrorKind.PROTOCOL_VIOLATION, "the device completed the request without writing its status byte")
                        .request(type, sector, sectorCount).statusByte(status).build();
            default:
                throw error(ErrorKind.PROTOCOL_VIOLATION, "the device returned an undefined status byte")
                        .request(type, sector, sectorCount).statusByte(status).build();
        }
    }

    // ---- argument checks and error policy -------------------------------------------------------

    private long checkBuffer(RequestType type, long sector, byte[] buffer) {
        if (buffer == null || buffer.length % SECTOR_SIZE != 0) {
            throw error(ErrorKind.INVALID_ARGUMENT, "the buffer must hold whole 512-byte sectors, it has "
                    + (buffer == null ? "no array" : buffer.length + " bytes")).request(type, sector, 0).build();
        }
        return buffer.length / SECTOR_SIZE;
    }

    private void checkWritable(RequestType type, long sector, long sectors) {
        if (info.readOnly()) {
            throw error(ErrorKind.READ_ONLY, "the device is read-only").request(type, sector, sectors).build();
        }
    }

    private void checkRange(RequestType type, long sector, long sectors) {
        long capacity = info.capacitySectors();
        if (sector < 0 || sectors < 0 || sector > capacity || sectors > capacity - sector) {
            throw error(ErrorKind.OUT_OF_RANGE, "the device has " + capacity + " sectors")
                    .request(type, sector, sectors).build();
        }
    }

    private static boolean isFatal(ErrorKind kind) {
        switch (kind) {
            case TIMEOUT:
            case DEVICE_NEEDS_RESET:
            case PROTOCOL_VIOLATION:
            case FLUSH_FAILED:
            case PLATFORM_ERROR:
            case FEATURE_NEGOTIATION_FAILED:
                return true;
            default:
                return false;
        }
    }

    /**
     * Runs a call under the error policy: a device made unusable refuses it; a fatal error makes the
     * device unusable; a platform failure becomes a {@link ErrorKind#PLATFORM_ERROR}.
     */
    private <T> T guard(RequestType type, long sector, long sectors, Supplier<T> call) {
        if (fatal != null) {
            throw error(fatal.kind(), "the device is unusable until reset, after: " + fatal.getMessage())
                    .request(type, sector, sectors).build(fatal);
        }
        try {
            return call.get();
        } catch (BlockDeviceException e) {
            if (isFatal(e.kind()) || type == RequestType.INIT) {
                fatal = e;
            }
            throw e;
        } catch (PlatformException e) {
            fatal = error(ErrorKind.PLATFORM_ERROR, e.getMessage()).request(type, sector, sectors).build(e);
            throw fatal;
        }
    }

    private BlockDeviceException.Builder error(ErrorKind kind, String detail) {
        return BlockDeviceException.of(kind, detail).device(id);
    }
}
