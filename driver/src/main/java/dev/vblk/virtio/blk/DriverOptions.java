package dev.vblk.virtio.blk;

import dev.vblk.platform.FrameAllocator;

/**
 * Tunables of the virtio-blk driver.
 *
 * @param requestTimeoutNanos how long one request may take, on the platform's clock
 * @param maxPollsPerRequest how many times one request's completion is polled at most, whatever the
 *     clock says: the bound that holds even when a platform's clock stands still
 * @param pollIntervalNanos how long one wait for the interrupt line lasts between polls
 * @param maxQueueSize the largest virtqueue the driver sets up (a power of two, at most 256)
 * @param maxRequestBytes the largest data transfer in one request; larger calls are split
 */
public record DriverOptions(
        long requestTimeoutNanos,
        int maxPollsPerRequest,
        long pollIntervalNanos,
        int maxQueueSize,
        int maxRequestBytes) {

    /** Five seconds per request, 1 ms waits, 256-entry queues, 128 KiB per request. */
    public static final DriverOptions DEFAULTS = new DriverOptions(5_000_000_000L, 100_000, 1_000_000L, 256, 128 * 1024);

    public DriverOptions {
        if (requestTimeoutNanos <= 0 || maxPollsPerRequest <= 0 || pollIntervalNanos < 0) {
            throw new IllegalArgumentException("timeouts and poll counts must be positive");
        }
        if (maxQueueSize < 4 || maxQueueSize > 256 || Integer.bitCount(maxQueueSize) != 1) {
            throw new IllegalArgumentException("maxQueueSize must be a power of two from 4 to 256: " + maxQueueSize);
        }
        if (maxRequestBytes < 512 || maxRequestBytes % 512 != 0 || maxRequestBytes > 256 * FrameAllocator.FRAME_SIZE) {
            throw new IllegalArgumentException("maxRequestBytes must be whole sectors up to 1 MiB: " + maxRequestBytes);
        }
    }

    /** These options with another request timeout. */
    public DriverOptions withRequestTimeoutNanos(long nanos) {
        return new DriverOptions(nanos, maxPollsPerRequest, pollIntervalNanos, maxQueueSize, maxRequestBytes);
    }

    /** These options with another largest request. */
    public DriverOptions withMaxRequestBytes(int bytes) {
        return new DriverOptions(requestTimeoutNanos, maxPollsPerRequest, pollIntervalNanos, maxQueueSize, bytes);
    }
}
