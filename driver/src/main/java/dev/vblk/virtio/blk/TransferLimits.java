package dev.vblk.virtio.blk;

import dev.vblk.block.BlockDevice;
import dev.vblk.platform.FrameAllocator;

/**
 * How large one virtio-blk request may be, worked out once from the device's SEG_MAX and SIZE_MAX,
 * the queue's size and the driver's options: calls larger than {@link #maxTransferBytes} are split
 * into several requests.
 *
 * @param maxTransferBytes the largest data transfer of one request, whole sectors
 * @param maxRunBytes the longest physically contiguous run one descriptor may describe (SIZE_MAX)
 * @param maxDataSegments the most data descriptors one request may use (SEG_MAX and the queue size)
 */
record TransferLimits(int maxTransferBytes, int maxRunBytes, int maxDataSegments) {

    private static final int PAGE = FrameAllocator.FRAME_SIZE;

    /**
     * The limits for a device with {@code segMax} and {@code sizeMax} (0 when not offered) on a queue
     * of {@code queueSize} descriptors. Works for the worst case, a data buffer in separate pages that
     * starts on a page boundary.
     *
     * @return the limits, or null when they cannot carry one sector
     */
    static TransferLimits compute(long segMax, long sizeMax, int queueSize, int maxRequestBytes) {
        long segments = queueSize - 2;
        if (segMax > 0) {
            segments = Math.min(segments, segMax);
        }
        int maxRun = sizeMax > 0 ? (int) Math.min(sizeMax, Integer.MAX_VALUE) : Integer.MAX_VALUE;
        int pieceBytes = Math.min(PAGE, maxRun);
        long piecesPerPage = (PAGE + pieceBytes - 1) / pieceBytes;
        long bytes = segments >= piecesPerPage ? (segments / piecesPerPage) * PAGE : segments * pieceBytes;
        bytes = Math.min(bytes, maxRequestBytes);
        int transfer = (int) (bytes / BlockDevice.SECTOR_SIZE * BlockDevice.SECTOR_SIZE);
        if (transfer < BlockDevice.SECTOR_SIZE) {
            return null;
        }
        return new TransferLimits(transfer, maxRun, (int) segments);
    }
}
