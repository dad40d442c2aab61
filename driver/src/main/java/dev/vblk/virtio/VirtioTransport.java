package dev.vblk.virtio;

import java.util.HexFormat;
import java.util.function.LongUnaryOperator;
import java.util.function.Supplier;

/**
 * The device-type-independent part of talking to one virtio device (VirtIO 1.1 sections 2 and 3):
 * the status handshake, feature negotiation, consistent configuration reads, queue setup,
 * notification and interrupt handling, over virtio-mmio ({@link VirtioMmioTransport}) or virtio-pci
 * ({@link dev.vblk.virtio.pci.VirtioPciTransport}).
 *
 * <p>As an {@link InterruptSource} a transport is the device's own interrupt: every cause on one
 * line, or with MSI-X the configuration-change vector alone, each queue's used buffers then arriving
 * on {@link #queueInterrupts}.
 *
 * <p>Failures are {@link VirtioException}s; failures of the platform underneath are
 * {@code PlatformException}s.
 */
public interface VirtioTransport extends InterruptSource {

    /** How often a configuration read is retried while the configuration generation keeps changing. */
    int CONFIG_READ_ATTEMPTS = 16;

    /** How errors and traces name the device, such as {@code virtio-blk@0x0a003e00}. */
    String owner();

    /** The device status field. */
    int status();

    /** Writes 0 to the status field, which resets the device. */
    void reset();

    /** Sets {@code bits} in the status field, keeping the ones already set. */
    void addStatus(int bits);

    /** Tells the device the driver has given up on it (sets FAILED). */
    default void markFailed() {
        addStatus(DeviceStatus.FAILED);
    }

    /** The 64-bit feature word the device offers. */
    long deviceFeatures();

    /** Writes the 64-bit feature word the driver accepts. */
    void writeDriverFeatures(long features);

    /**
     * Runs the start of device initialisation (VirtIO 1.1 section 3.1.1, steps 1 to 6): reset,
     * ACKNOWLEDGE, DRIVER, feature negotiation and the FEATURES_OK check. On failure the device is
     * marked FAILED and the error thrown.
     *
     * @param wanted the features the driver can use
     * @param required the features without which the driver cannot work (VERSION_1 always is)
     * @return the negotiated features: those both offered and wanted
     */
    default long negotiate(long wanted, long required) {
        return negotiate(wanted, required, accepted -> accepted);
    }

    /**
     * {@link #negotiate(long, long)}, with {@code refine} given the features both offered and wanted
     * before they are written: it may take some away (from what the configuration says, which may be
     * read from this point) or throw a {@link VirtioException}, which marks the device FAILED.
     */
    default long negotiate(long wanted, long required, LongUnaryOperator refine) {
        reset();
        if (status() != 0) {
            throw new VirtioException(VirtioException.Kind.PROTOCOL_VIOLATION, owner(), "status reads "
                    + DeviceStatus.describe(status()) + " after reset, expected 0");
        }
        addStatus(DeviceStatus.ACKNOWLEDGE);
        addStatus(DeviceStatus.DRIVER);
        long offered = deviceFeatures();
        long mustHave = required | FeatureBits.bit(FeatureBits.VERSION_1);
        if ((offered & mustHave) != mustHave) {
            markFailed();
            throw new VirtioException(VirtioException.Kind.FEATURE_NEGOTIATION_FAILED, owner(), "device offers features 0x"
                    + HexFormat.of().toHexDigits(offered) + ", which lack required 0x" + HexFormat.of().toHexDigits(mustHave & ~offered));
        }
        long accepted;
        try {
            accepted = refine.applyAsLong(offered & wanted);
        } catch (VirtioException e) {
            markFailed();
            throw e;
        }
        writeDriverFeatures(accepted);
        addStatus(DeviceStatus.FEATURES_OK);
        int status = status();
        if ((status & DeviceStatus.FEATURES_OK) == 0) {
            markFailed();
            throw new VirtioException(VirtioException.Kind.FEATURE_NEGOTIATION_FAILED, owner(), "device did not accept features 0x"
                    + HexFormat.of().toHexDigits(accepted) + " (status reads " + DeviceStatus.describe(status) + ")");
        }
        return accepted;
    }

    /** Sets DRIVER_OK: the device is live from here on. */
    default void driverOk() {
        addStatus(DeviceStatus.DRIVER_OK);
    }

    /** The configuration generation: it changes whenever the device configuration does. */
    int configGeneration();

    /** What the transport's specification calls the configuration generation, for error messages. */
    String configGenerationName();

    /**
     * Reads configuration space consistently: repeats {@code reader} until the configuration
     * generation reads the same before and after it, so a multi-field read never mixes two
     * configurations; gives up after {@link #CONFIG_READ_ATTEMPTS} tries.
     */
    default <T> T readConfig(Supplier<T> reader) {
        for (int attempt = 0; attempt < CONFIG_READ_ATTEMPTS; attempt++) {
            int before = configGeneration();
            T value = reader.get();
            if (before == configGeneration()) {
                return value;
            }
        }
        throw new VirtioException(VirtioException.Kind.PROTOCOL_VIOLATION, owner(),
                configGenerationName() + " changed during each of " + CONFIG_READ_ATTEMPTS + " configuration reads");
    }

    /** Reads an 8-bit field of the device-specific configuration. */
    int configU8(int offset);

    /** Reads a 16-bit field of the device-specific configuration. */
    int configU16(int offset);

    /** Reads a 32-bit field of the device-specific configuration. */
    long configU32(int offset);

    /** Reads a 64-bit field as two 32-bit reads, low word first. */
    default long configU64(int offset) {
        return configU32(offset) | (configU32(offset + 4) << 32);
    }

    /** Writes an 8-bit field of the device-specific configuration. */
    void writeConfigU8(int offset, int value);

    /** The largest size the device allows for queue {@code index}; 0 if the queue does not exist. */
    int queueNumMax(int index);

    /**
     * Programs queue {@code index} with its size and the physical addresses of its parts, then marks
     * it ready.
     */
    void setupQueue(int index, int size, long descriptorArea, long driverArea, long deviceArea);

    /**
     * Starts the reset of queue {@code index} alone (VIRTIO_F_RING_RESET, VirtIO 1.2 section 2.6.1):
     * writes 1 to its reset register. The device stops using the queue and forgets its ring; the
     * reset is done when {@link #queueResetDone} says so (the queue is then disabled), and the queue
     * is set up again with {@link #setupQueue}.
     */
    void startQueueReset(int index);

    /**
     * Whether the reset of queue {@code index} is done: its reset register reads 0 again (it reads 1
     * while the reset is under way) and the queue is disabled, as Linux waits for and QEMU presents.
     */
    boolean queueResetDone(int index);

    /** Tells the device that queue {@code index} has new available buffers. */
    void notifyQueue(int index);

    /**
     * Tells the device that queue {@code index} has new available buffers with VIRTIO_F_NOTIFICATION_DATA
     * negotiated: the 32-bit {@code data} ({@link dev.vblk.virtio.queue.Virtqueue#notificationData()},
     * the queue's index in its low 16 bits) goes where the index would (VirtIO 1.1, "Driver Notifications").
     */
    void notifyQueue(int index, long data);

    /**
     * The interrupt queue {@code index}'s used buffers are signalled on: the transport itself, shared
     * by every queue, unless {@link #interruptsPerQueue()}.
     */
    default InterruptSource queueInterrupts(int index) {
        return this;
    }

    /**
     * Whether each queue has an interrupt of its own ({@link #queueInterrupts}), configuration
     * changes arriving only on the transport's.
     */
    default boolean interruptsPerQueue() {
        return false;
    }
}
