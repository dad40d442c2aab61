package dev.vblk.block;

/**
 * A block-oriented storage device addressed in 512-byte sectors.
 *
 * <p>Calls are synchronous: each returns when the device has completed the request or throws a
 * {@link BlockDeviceException} saying what failed and where. Buffers hold whole sectors; a call may
 * cover many sectors and the implementation splits it as the device requires.
 *
 * <p>Implementations say whether they take concurrent callers. The virtio-blk driver does: each of
 * its request queues serves one call at a time, and a second thread waits for the first to return;
 * a thread per queue ({@code VirtioBlkDevice.queue(int)}) lets threads run without waiting.
 */
public interface BlockDevice {

    /** Size of the addressing unit, in bytes, whatever the device's logical block size. */
    int SECTOR_SIZE = 512;

    /** Identifies this device in a {@code DeviceRegistry}. */
    BlockDeviceId id();

    /** Geometry and capabilities, as negotiated with the device. */
    BlockDeviceInfo info();

    /** Capacity in 512-byte sectors, as last read from the device. */
    default long capacitySectors() {
        return info().capacitySectors();
    }

    /** Reads {@code buffer.length / 512} sectors starting at {@code sector} into {@code buffer}. */
    void readAt(long sector, byte[] buffer);

    /** Writes {@code data.length / 512} sectors starting at {@code sector}. */
    void writeAt(long sector, byte[] data);

    /** Makes every completed write durable. A failed flush leaves the device unusable. */
    void flush();

    /** Lets the device drop the contents of {@code sectorCount} sectors from {@code sector}. */
    void discard(long sector, long sectorCount);

    /** Sets {@code sectorCount} sectors from {@code sector} to zero. */
    void writeZeroes(long sector, long sectorCount);

    /**
     * Erases {@code sectorCount} sectors from {@code sector} so that their data cannot be recovered
     * (a discard whose every copy is gone); what they read afterwards is the device's choice.
     */
    void secureErase(long sector, long sectorCount);

    /** The device's wear report, with reserved values as the device gave them. */
    BlockLifetime lifetime();

    /** The device's identification string (virtio-blk GET_ID), at most 20 characters. */
    String deviceIdString();
}
