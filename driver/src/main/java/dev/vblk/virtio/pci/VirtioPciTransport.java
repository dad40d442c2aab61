package dev.vblk.virtio.pci;

import static dev.vblk.virtio.spec.PciCommonConfig.CONFIG_GENERATION;
import static dev.vblk.virtio.spec.PciCommonConfig.CONFIG_MSIX_VECTOR;
import static dev.vblk.virtio.spec.PciCommonConfig.DEVICE_FEATURE;
import static dev.vblk.virtio.spec.PciCommonConfig.DEVICE_FEATURE_SELECT;
import static dev.vblk.virtio.spec.PciCommonConfig.DEVICE_STATUS;
import static dev.vblk.virtio.spec.PciCommonConfig.DRIVER_FEATURE;
import static dev.vblk.virtio.spec.PciCommonConfig.DRIVER_FEATURE_SELECT;
import static dev.vblk.virtio.spec.PciCommonConfig.LENGTH_WITH_QUEUE_RESET;
import static dev.vblk.virtio.spec.PciCommonConfig.NO_VECTOR;
import static dev.vblk.virtio.spec.PciCommonConfig.NUM_QUEUES;
import static dev.vblk.virtio.spec.PciCommonConfig.QUEUE_DESC;
import static dev.vblk.virtio.spec.PciCommonConfig.QUEUE_DEVICE;
import static dev.vblk.virtio.spec.PciCommonConfig.QUEUE_DRIVER;
import static dev.vblk.virtio.spec.PciCommonConfig.QUEUE_ENABLE;
import static dev.vblk.virtio.spec.PciCommonConfig.QUEUE_MSIX_VECTOR;
import static dev.vblk.virtio.spec.PciCommonConfig.QUEUE_NOTIFY_OFF;
import static dev.vblk.virtio.spec.PciCommonConfig.QUEUE_RESET;
import static dev.vblk.virtio.spec.PciCommonConfig.QUEUE_SELECT;
import static dev.vblk.virtio.spec.PciCommonConfig.QUEUE_SIZE;

import dev.vblk.pci.MsiFrame;
import dev.vblk.pci.MsixCapability;
import dev.vblk.pci.PciCapability;
import dev.vblk.pci.PciConfigSpace;
import dev.vblk.pci.PciFunction;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.Platform;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.InterruptSource;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.VirtioTransport;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The modern virtio-pci transport (VirtIO 1.1 section 4.1): the {@link VirtioTransport} calls over
 * the common configuration, notify, ISR and device configuration structures its vendor capabilities
 * locate in its memory BARs.
 *
 * <p>Interrupts arrive on MSI-X vectors when the board names an MSI frame and the function has an
 * MSI-X table: vector 0 for configuration changes, vector {@code 1 + q} for queue {@code q}
 * ({@link MsixVectors}), written to config_msix_vector and queue_msix_vector and read back (section
 * 4.1.5.1.2). A vector the device answers with VIRTIO_MSI_NO_VECTOR, or a queue the table has no
 * vector for, puts the function back on INTx (MSI-X Enable cleared) for as long as the transport
 * lives. On INTx every cause arrives on the function's INTx line; reading the ISR status byte both
 * reports and acknowledges them (section 4.1.4.5), so {@link #acknowledgeInterrupt} has nothing left
 * to do. With MSI-X the ISR is not read.
 */
public final class VirtioPciTransport implements VirtioTransport {

    /** The PCI vendor ID of virtio devices. */
    public static final int VENDOR = 0x1af4;

    private static final int MODERN_DEVICE_BASE = 0x1040;
    private static final int MODERN_DEVICE_LAST = 0x107f;
    private static final int TRANSITIONAL_DEVICE_BASE = 0x1000;
    private static final int TRANSITIONAL_DEVICE_LAST = 0x103f;

    private final Platform platform;
    private final VirtioPciLayout layout;
    private final int interruptLine;
    private final String owner;
    private final Map<Integer, Long> notifyAddresses = new HashMap<>();
    private final Optional<MsixVectors> msix;
    private volatile boolean msixActive;
    private volatile String intxReason;

    /**
     * A transport on INTx.
     *
     * @param platform the platform the BARs are reached through
     * @param layout where the structures are
     * @param interruptLine the platform's interrupt line the function's INTx pin raises
     * @param owner how errors name the device, such as {@code virtio-blk@pci:00:01.0}
     */
    public VirtioPciTransport(Platform platform, VirtioPciLayout layout, int interruptLine, String owner) {
        this(platform, layout, interruptLine, owner, Optional.empty(), "the board names no MSI frame");
    }

    private VirtioPciTransport(Platform platform, VirtioPciLayout layout, int interruptLine, String owner,
            Optional<MsixVectors> msix, String intxReason) {
        this.platform = platform;
        this.layout = layout;
        this.interruptLine = interruptLine;
        this.owner = owner;
        this.msix = msix;
        this.msixActive = msix.isPresent();
        this.intxReason = intxReason;
    }

    /**
     * The transport of a configured virtio function: reads its capabilities and resolves them. When
     * the host bridge names an MSI frame and the function has an MSI-X table, the table is programmed
     * with frame lines from {@code firstFrameLine} on, one for configuration changes and one per
     * queue the device has (fewer if the table or the frame's remaining lines are too short: the
     * queues without a vector then put the function on INTx when they are set up), and MSI-X is
     * enabled; {@link #msiLinesUsed()} says how many frame lines it took. A table that overlaps a
     * virtio structure is left alone and the function stays on INTx.
     *
     * @throws VirtioException PROTOCOL_VIOLATION for unusable capabilities, UNSUPPORTED for a
     *     function without an interrupt pin
     * @throws dev.vblk.pci.PciException for a broken capability list, or an MSI-X table or
     *     pending-bit array outside the function's BARs
     */
    public static VirtioPciTransport open(Platform platform, PciHostBridge host, PciFunction function, String owner,
            int firstFrameLine) {
        PciConfigSpace config = new PciConfigSpace(platform, host, function.address());
        List<PciCapability> capabilities = PciCapability.list(config);
        VirtioPciLayout layout = VirtioPciLayout.resolve(function, VirtioPciCapability.read(config, capabilities, owner), owner);
        if (function.interruptPin() < 1 || function.interruptPin() > 4) {
            throw new VirtioException(VirtioException.Kind.UNSUPPORTED, owner, "interrupt pin "
                    + function.interruptPin() + " is no INTx pin, which the driver falls back to");
        }
        int intxLine = host.intxLine(function.address(), function.interruptPin());
        if (host.msi().isEmpty()) {
            return new VirtioPciTransport(platform, layout, intxLine, owner);
        }
        MsiFrame frame = host.msi().get();
        Optional<MsixCapability> capability = MsixCapability.find(config, capabilities, function);
        if (capability.isEmpty()) {
            return new VirtioPciTransport(platform, layout, intxLine, owner, Optional.empty(),
                    "the function has no MSI-X capability");
        }
        long tableBytes = (long) capability.get().tableSize() * MsixCapability.ENTRY_BYTES;
        Optional<String> clash = layout.structureOverlapping(capability.get().table(), tableBytes);
        if (clash.isPresent()) {
            return new VirtioPciTransport(platform, layout, intxLine, owner, Optional.empty(),
                    "the MSI-X table overlaps the " + clash.get() + " structure");
        }
        int queues = (int) (platform.readRegister(layout.common().address() + NUM_QUEUES, AccessWidth.HALF) & 0xffff);
        int count = Math.min(Math.min(capability.get().tableSize(), 1 + queues), frame.lineCount() - firstFrameLine);
        if (count < 2) {
            return new VirtioPciTransport(platform, layout, intxLine, owner, Optional.empty(), String.format(
                    "no two vectors for the configuration and queue 0: an MSI-X table of %d, %d queues, %d MSI frame lines left",
                    capability.get().tableSize(), queues, Math.max(0, frame.lineCount() - firstFrameLine)));
        }
        return new VirtioPciTransport(platform, layout, intxLine, owner,
                Optional.of(MsixVectors.program(platform, config, capability.get(), frame, firstFrameLine, count)), null);
    }

    /** How many lines of the board's MSI frame the transport's vectors took (0 on INTx from the start). */
    public int msiLinesUsed() {
        return msix.map(MsixVectors::count).orElse(0);
    }

    /** Whether interrupts arrive on MSI-X vectors now. */
    public boolean usesMsix() {
        return msixActive;
    }

    /**
     * How interrupts arrive, for listings: {@code MSI-X, lines 48 to 49} or {@code INTx line 4} with
     * the reason MSI-X is not used.
     */
    public String interruptDescription() {
        if (msixActive) {
            List<Integer> lines = msix.orElseThrow().lines();
            return "MSI-X, lines " + lines.get(0) + " to " + lines.get(lines.size() - 1);
        }
        return "INTx line " + interruptLine + " (" + intxReason + ")";
    }

    /**
     * The virtio device type of a PCI function with these IDs: device ID minus 0x1040 for a modern
     * device, the subsystem ID for a transitional one (section 4.1.2.1); empty for anything else.
     */
    public static OptionalInt deviceType(int vendorId, int deviceId, int subsystemId) {
        if (vendorId != VENDOR) {
            return OptionalInt.empty();
        }
        if (deviceId >= MODERN_DEVICE_BASE && deviceId <= MODERN_DEVICE_LAST) {
            return OptionalInt.of(deviceId - MODERN_DEVICE_BASE);
        }
        if (deviceId >= TRANSITIONAL_DEVICE_BASE && deviceId <= TRANSITIONAL_DEVICE_LAST) {
            return OptionalInt.of(subsystemId);
        }
        return OptionalInt.empty();
    }

    @Override
    public String owner() {
        return owner;
    }

    /** The INTx line the function raises when it is not on MSI-X. */
    public int interruptLine() {
        return interruptLine;
    }

    /** Where the transport's structures are. */
    public VirtioPciLayout layout() {
        return layout;
    }

    @Override
    public int status() {
        return (int) common(DEVICE_STATUS, AccessWidth.BYTE);
    }

    @Override
    public void reset() {
        writeCommon(DEVICE_STATUS, AccessWidth.BYTE, 0);
    }

    @Override
    public void addStatus(int bits) {
        writeCommon(DEVICE_STATUS, AccessWidth.BYTE, status() | bits);
    }

    @Override
    public long deviceFeatures() {
        writeCommon(DEVICE_FEATURE_SELECT, AccessWidth.WORD, 0);
        long low = common(DEVICE_FEATURE, AccessWidth.WORD);
        writeCommon(DEVICE_FEATURE_SELECT, AccessWidth.WORD, 1);
        return (common(DEVICE_FEATURE, AccessWidth.WORD) << 32) | low;
    }

    @Override
    public void writeDriverFeatures(long features) {
        writeCommon(DRIVER_FEATURE_SELECT, AccessWidth.WORD, 0);
        writeCommon(DRIVER_FEATURE, AccessWidth.WORD, features & 0xffff_ffffL);
        writeCommon(DRIVER_FEATURE_SELECT, AccessWidth.WORD, 1);
        writeCommon(DRIVER_FEATURE, AccessWidth.WORD, features >>> 32);
    }

    @Override
    public int configGeneration() {
        return (int) common(CONFIG_GENERATION, AccessWidth.BYTE);
    }

    @Override
    public String configGenerationName() {
        return "config_generation";
    }

    @Override
    public int configU8(int offset) {
        return (int) platform.readRegister(deviceAddress(offset, AccessWidth.BYTE), AccessWidth.BYTE) & 0xff;
    }

    @Override
    public int configU16(int offset) {
        return (int) platform.readRegister(deviceAddress(offset, AccessWidth.HALF), AccessWidth.HALF) & 0xffff;
    }

    @Override
    public long configU32(int offset) {
        return platform.readRegister(deviceAddress(offset, AccessWidth.WORD), AccessWidth.WORD) & 0xffff_ffffL;
    }

    @Override
    public void writeConfigU8(int offset, int value) {
        platform.writeRegister(deviceAddress(offset, AccessWidth.BYTE), AccessWidth.BYTE, value & 0xff);
    }

    private long deviceAddress(int offset, AccessWidth width) {
        VirtioPciLayout.Region device = layout.device().orElseThrow(() -> fail(VirtioException.Kind.PROTOCOL_VIOLATION,
                "the function has no device configuration capability"));
        if (offset < 0 || offset + width.bytes() > device.length()) {
            throw fail(VirtioException.Kind.PROTOCOL_VIOLATION, String.format(
                    "device configuration field at 0x%x lies past its %d bytes", offset, device.length()));
        }
        return device.address() + offset;
    }

    @Override
    public int queueNumMax(int index) {
        if (index >= common(NUM_QUEUES, AccessWidth.HALF)) {
            return 0;
        }
        writeCommon(QUEUE_SELECT, AccessWidth.HALF, index);
        return (int) common(QUEUE_SIZE, AccessWidth.HALF);
    }

    /**
     * Programs queue {@code index}, works out its notify address from queue_notify_off, and enables
     * it. The queue must not be enabled already.
     */
    @Override
    public void setupQueue(int index, int size, long descriptorArea, long driverArea, long deviceArea) {
        writeCommon(QUEUE_SELECT, AccessWidth.HALF, index);
        if (common(QUEUE_ENABLE, AccessWidth.HALF) != 0) {
            throw fail(VirtioException.Kind.PROTOCOL_VIOLATION, "queue " + index + " is enabled before it was set up");
        }
        writeCommon(QUEUE_SIZE, AccessWidth.HALF, size);
        writeCommon64(QUEUE_DESC, descriptorArea);
        writeCommon64(QUEUE_DRIVER, driverArea);
        writeCommon64(QUEUE_DEVICE, deviceArea);
        long offset = common(QUEUE_NOTIFY_OFF, AccessWidth.HALF) * layout.notifyOffMultiplier();
        if (offset + AccessWidth.HALF.bytes() > layout.notifications().length()) {
            throw fail(VirtioException.Kind.PROTOCOL_VIOLATION, String.format(
                    "queue %d notifies at offset 0x%x, past the %d-byte notify structure", index, offset,
                    layout.notifications().length()));
        }
        notifyAddresses.put(index, layout.notifications().address() + offset);
        if (msixActive) {
            int vector = MsixVectors.queueVector(index);
            if (vector >= msix.orElseThrow().count()) {
                fallBackToIntx("the MSI-X table has no vector for queue " + index);
            } else if (!assignVector(QUEUE_MSIX_VECTOR, vector)) {
                fallBackToIntx("the device refused vector " + vector + " for queue " + index);
            }
        }
        writeCommon(QUEUE_ENABLE, AccessWidth.HALF, 1);
    }

    /**
     * With MSI-X, assigns the configuration vector first (read back as section 4.1.5.1.2 asks; a
     * refusal puts the function on INTx), then sets DRIVER_OK.
     */
    @Override
    public void driverOk() {
        if (msixActive && !assignVector(CONFIG_MSIX_VECTOR, MsixVectors.configVector())) {
            fallBackToIntx("the device refused vector " + MsixVectors.configVector() + " for configuration changes");
        }
        addStatus(DeviceStatus.DRIVER_OK);
    }

    /** Writes a vector field and reads it back: whether the device took the vector (it reads NO_VECTOR when not). */
    private boolean assignVector(int field, int vector) {
        writeCommon(field, AccessWidth.HALF, vector);
        long assigned = common(field, AccessWidth.HALF);
        return assigned == vector && assigned != NO_VECTOR;
    }

    private void fallBackToIntx(String reason) {
        msix.orElseThrow().disable();
        intxReason = reason;
        msixActive = false;
    }

    /**
     * Selects queue {@code index} and writes 1 to queue_reset.
     *
     * @throws VirtioException PROTOCOL_VIOLATION when the common configuration capability is too
     *     short to hold queue_reset
     */
    @Override
    public void startQueueReset(int index) {
        if (layout.common().length() < LENGTH_WITH_QUEUE_RESET) {
            throw fail(VirtioException.Kind.PROTOCOL_VIOLATION, String.format(
                    "the common configuration is %d bytes long, too short for queue_reset at 0x%x",
                    layout.common().length(), QUEUE_RESET));
        }
        writeCommon(QUEUE_SELECT, AccessWidth.HALF, index);
        writeCommon(QUEUE_RESET, AccessWidth.HALF, 1);
    }

    /** Selects queue {@code index}: done when queue_reset and queue_enable both read 0. */
    @Override
    public boolean queueResetDone(int index) {
        writeCommon(QUEUE_SELECT, AccessWidth.HALF, index);
        return common(QUEUE_RESET, AccessWidth.HALF) == 0 && common(QUEUE_ENABLE, AccessWidth.HALF) == 0;
    }

    @Override
    public void notifyQueue(int index) {
        platform.writeRegister(notifyAddress(index), AccessWidth.HALF, index);
    }

    /** Writes the 32-bit notification data at the queue's notify address (VirtIO 1.1 section 4.1.5.2). */
    @Override
    public void notifyQueue(int index, long data) {
        platform.writeRegister(notifyAddress(index), AccessWidth.WORD, data);
    }

    private long notifyAddress(int index) {
        Long address = notifyAddresses.get(index);
        if (address == null) {
            throw new IllegalStateException("queue " + index + " was not set up");
        }
        return address;
    }

    /**
     * On INTx reads the ISR status byte, which also clears it and lowers the INTx line; with MSI-X
     * the configuration vector's cause.
     */
    @Override
    public int interruptStatus() {
        if (msixActive) {
            return msix.orElseThrow().config().interruptStatus();
        }
        return (int) platform.readRegister(layout.isr().address(), AccessWidth.BYTE) & 0xff;
    }

    /** On INTx nothing to do (reading the ISR status byte acknowledged the causes); with MSI-X the configuration vector's. */
    @Override
    public void acknowledgeInterrupt(int bits) {
        if (msixActive) {
            msix.orElseThrow().config().acknowledgeInterrupt(bits);
        }
    }

    /** On INTx waits for the INTx line; with MSI-X for the configuration vector. */
    @Override
    public boolean awaitInterrupt(long timeoutNanos) {
        if (msixActive) {
            return msix.orElseThrow().config().awaitInterrupt(timeoutNanos);
        }
        return platform.awaitInterrupt(interruptLine, timeoutNanos);
    }

    /** With MSI-X the queue's own vector; on INTx the transport's one interrupt. */
    @Override
    public InterruptSource queueInterrupts(int index) {
        return msixActive ? msix.orElseThrow().queue(index) : this;
    }

    @Override
    public boolean interruptsPerQueue() {
        return msixActive;
    }

    private long common(int offset, AccessWidth width) {
        return platform.readRegister(layout.common().address() + offset, width) & ((1L << width.bits()) - 1);
    }

    private void writeCommon(int offset, AccessWidth width, long value) {
        platform.writeRegister(layout.common().address() + offset, width, width.truncate(value));
    }

    /** A 64-bit field as two 32-bit writes, low word first, which every device accepts (section 4.1.3.1). */
    private void writeCommon64(int offset, long value) {
        writeCommon(offset, AccessWidth.WORD, value & 0xffff_ffffL);
        writeCommon(offset + 4, AccessWidth.WORD, value >>> 32);
    }

    private VirtioException fail(VirtioException.Kind kind, String detail) {
        return new VirtioException(kind, owner, detail);
    }
}
