package dev.vblk.fake.pci;

import dev.vblk.fake.blk.InterruptSignals;
import dev.vblk.fake.blk.RingArea;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fake.blk.VirtioCore;
import dev.vblk.fake.mmio.DeviceContext;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.AccessWidth;
import java.util.BitSet;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A modern virtio-blk-pci function (device ID 0x1042), the virtio-pci front end of a
 * {@link VirtioCore}: its type-0 configuration space with a 32-bit 4 KiB memory BAR (BAR 1) holding
 * the MSI-X table and pending-bit array, one 64-bit prefetchable 16 KiB memory BAR (BAR 4), the MSI-X
 * capability at 0x98 and the four virtio capabilities laid out as QEMU lays them (common
 * configuration at 0x0000, ISR at 0x1000, device configuration at 0x2000, notifications at 0x3000
 * with a multiplier of 4), and INTA.
 *
 * <p>The MSI-X table has a vector per queue and one more, as QEMU's virtio-blk-pci by default.
 * While MSI-X is enabled INTA stays low; a used-buffer interrupt of queue {@code q} is sent on the
 * vector in its queue_msix_vector, a configuration change on config_msix_vector (none when the field
 * holds VIRTIO_MSI_NO_VECTOR), as a write of the table entry's message data to its message address
 * on the machine's bus ({@link MsiBus}); a masked entry sets its pending bit instead and sends when
 * unmasked. A vector past the table is refused (the field reads VIRTIO_MSI_NO_VECTOR), and a device
 * reset clears every vector field. {@link MsixFault}s make it refuse vectors or misdeliver.
 *
 * <p>Every access to a virtio structure field becomes the core call it stands for, recorded at the
 * field's address when it is a violation, so requests, features, queues and faults are the core's
 * own; the PCI shape and the transport's selectors are added here. num_queues reports the device's
 * queues; queue_select selects one for the queue fields. Queue {@code n} notifies at
 * {@code queue_notify_off * 4} into the notify structure, its queue_notify_off being {@code n} (as
 * QEMU) unless {@link #queueNotifyOff(int, int)} says otherwise; the address names the queue, and
 * a value other than the queue's index is a violation. Reading the ISR byte returns the device's
 * interrupt causes and acknowledges them. {@link PciFault}s break the configuration space in named ways, and
 * {@link #overrideConfigByte} in any way.
 */
public final class FakeVirtioBlkPciFunction {

    static final int VENDOR = 0x1af4;
    static final int DEVICE = 0x1042;
    static final int BAR_INDEX = 4;
    static final long BAR_SIZE = 0x4000;
    static final int COMMON = 0x0000;
    static final int ISR = 0x1000;
    static final int DEVICE_CONFIG = 0x2000;
    static final int NOTIFY = 0x3000;
    static final int REGION = 0x1000;
    static final int NOTIFY_MULTIPLIER = 4;

    private static final int CONFIG_BYTES = 256;
    private static final int COMMAND = 0x04;
    private static final int COMMAND_WRITABLE = 0x0406;
    private static final int COMMAND_MEMORY = 0x2;
    private static final int COMMAND_INTX_DISABLE = 0x400;
    private static final int BAR_LOW = 0x10 + 4 * BAR_INDEX;
    private static final int BAR_HIGH = BAR_LOW + 4;
    private static final long BAR_TYPE = 0xc;
    private static final int FIRST_CAPABILITY = 0x40;
    private static final int NO_VECTOR = 0xffff;
    private static final int MSIX_BAR_LOW = 0x14;
    private static final long MSIX_BAR_SIZE = 0x1000;
    private static final int PBA = 0x800;
    private static final int MSIX_CAPABILITY = 0x98;
    private static final int MSIX_CONTROL = MSIX_CAPABILITY + 2;
    private static final int MSIX_CONTROL_WRITABLE = 0xc000;
    private static final int MSIX_ENABLE = 0x8000;
    private static final int MSIX_FUNCTION_MASK = 0x4000;
    private static final int ENTRY_BYTES = 16;

    /** Where a function's MSI-X messages are written: the machine's memory bus as far as interrupts go. */
    @FunctionalInterface
    public interface MsiBus {
        /** A 32-bit write of {@code data} at {@code address}, made by the function named {@code context}. */
        void write(long address, long data, DeviceContext context);
    }

    private final VirtioCore device;
    private final DeviceContext context;
    private final Set<PciFault> faults = EnumSet.noneOf(PciFault.class);
    private final Map<Integer, Integer> overrides = new HashMap<>();
    private int command;
    private long barAddress;
    private boolean sizingLow;
    private boolean sizingHigh;
    private int deviceFeatureSelect;
    private int driverFeatureSelect;
    private int queueSelect;
    /** queue_size as the driver wrote it, by queue, since the last reset; unwritten ones read QueueNumMax. */
    private final Map<Integer, Integer> queueSizes = new HashMap<>();
    private final Map<Integer, Integer> queueNotifyOffs = new HashMap<>();
    private final Set<MsixFault> msixFaults = EnumSet.noneOf(MsixFault.class);
    private final MsiBus bus;
    private final int[][] table;
    private final BitSet pendingVectors = new BitSet();
    private final Map<Integer, Integer> queueVectors = new HashMap<>();
    private int configVector = NO_VECTOR;
    private int msixControl;
    private long msixBarAddress;
    private boolean sizingMsixBar;

    /**
     * @param device the virtio-blk device whose requests the function serves
     * @param context the machine context the device was built with, for violations
     * @param bus where the function's MSI-X messages are written
     */
    public FakeVirtioBlkPciFunction(VirtioCore device, DeviceContext context, MsiBus bus) {
        this.device = device;
        this.context = context;
        this.bus = bus;
        this.table = new int[device.config().numQueues() + 1][];
        for (int vector = 0; vector < table.length; vector++) {
            table[vector] = new int[] {0, 0, 0, 1};
        }
        device.signalInterruptsTo(new InterruptSignals() {
            @Override
            public void usedBuffers(int queue) {
                if (!msixFaults.contains(MsixFault.NO_INTERRUPT)) {
                    int vector = queueVectors.getOrDefault(queue, NO_VECTOR);
                    signal(msixFaults.contains(MsixFault.WRONG_VECTOR) && vector != NO_VECTOR
                            ? (vector + 1) % table.length : vector);
                }
            }

            @Override
            public void configChanged() {
                signal(configVector);
            }
        });
    }

    /** The device behind the function. */
    public VirtioCore device() {
        return device;
    }

    /**
     * Makes queue 0's queue_notify_off read {@code offset}, so its notify address is
     * {@code offset * 4} bytes into the notify structure (0 unless set).
     */
    public void queueNotifyOff(int offset) {
        queueNotifyOff(0, offset);
    }

    /**
     * Makes queue {@code queue}'s queue_notify_off read {@code offset} (the queue's index unless
     * set). Where two queues share a notify address, a notification there goes to the lower one.
     */
    public void queueNotifyOff(int queue, int offset) {
        if (queue < 0 || offset < 0 || offset > 0xffff) {
            throw new IllegalArgumentException("queue must not be negative and queue_notify_off is 16-bit: " + queue
                    + ", " + offset);
        }
        queueNotifyOffs.put(queue, offset);
    }

    /** Breaks the configuration space in one more way, from the next access on. */
    public void inject(PciFault fault) {
        faults.add(fault);
    }

    /** Makes the MSI-X vectors misbehave in one more way, from now on. */
    public void inject(MsixFault fault) {
        msixFaults.add(fault);
    }

    /** Whether MSI-X is enabled in Message Control. */
    public boolean msixEnabled() {
        return (msixControl & MSIX_ENABLE) != 0;
    }

    /** The vector in config_msix_vector, VIRTIO_MSI_NO_VECTOR (0xffff) when none. */
    public int configVector() {
        return configVector;
    }

    /** The vector in queue {@code queue}'s queue_msix_vector, VIRTIO_MSI_NO_VECTOR (0xffff) when none. */
    public int queueVector(int queue) {
        return queueVectors.getOrDefault(queue, NO_VECTOR);
    }

    /**
     * Makes configuration-space byte {@code offset} (below 256) read {@code value} from now on,
     * whatever the function holds there: for fuzzing with hostile configuration space.
     */
    public void overrideConfigByte(int offset, int value) {
        if (offset < 0 || offset >= CONFIG_BYTES) {
            throw new IllegalArgumentException("configuration byte offset must be below 256: " + offset);
        }
        overrides.put(offset, value & 0xff);
    }

    /** Whether INTA is asserted: the device has interrupt causes, INTx is not disabled and MSI-X is off. */
    public boolean interruptRaised() {
        return device.interruptRaised() && (command & COMMAND_INTX_DISABLE) == 0 && !msixEnabled();
    }

    /** Sends {@code vector}'s message, or marks it pending while it is masked; nothing without MSI-X or a vector. */
    private void signal(int vector) {
        if (!msixEnabled() || vector == NO_VECTOR || vector >= table.length) {
            return;
        }
        if ((msixControl & MSIX_FUNCTION_MASK) != 0 || (table[vector][3] & 1) != 0) {
            pendingVectors.set(vector);
            return;
        }
        int[] entry = table[vector];
        bus.write((entry[0] & 0xffff_ffffL) | ((long) entry[1] << 32), entry[2] & 0xffff_ffffL, context);
    }

    /** Sends the messages of vectors pending while masked that are no longer masked. */
    private void sendPending() {
        for (int vector = pendingVectors.nextSetBit(0); vector >= 0; vector = pendingVectors.nextSetBit(vector + 1)) {
            if ((msixControl & MSIX_FUNCTION_MASK) == 0 && (table[vector][3] & 1) == 0 && msixEnabled()) {
                pendingVectors.clear(vector);
                signal(vector);
            }
        }
    }

    // ---- configuration space ----

    /** A configuration-space read at {@code offset} (below 4096). */
    public long readConfig(int offset, AccessWidth width) {
        long value = 0;
        for (int i = width.bytes() - 1; i >= 0; i--) {
            value = (value << 8) | configByte(offset + i);
        }
        return value;
    }

    /** A configuration-space write; only the command register and the BAR take it. */
    public void writeConfig(int offset, AccessWidth width, long value) {
        if (offset == COMMAND && width != AccessWidth.BYTE) {
            command = (int) value & COMMAND_WRITABLE;
        } else if (offset == MSIX_CONTROL && width == AccessWidth.HALF
                || offset == MSIX_CAPABILITY && width == AccessWidth.WORD) {
            msixControl = (int) (offset == MSIX_CAPABILITY ? value >>> 16 : value) & MSIX_CONTROL_WRITABLE;
            sendPending();
        } else if (offset == MSIX_BAR_LOW && width == AccessWidth.WORD) {
            sizingMsixBar = value == 0xffff_ffffL;
            if (!sizingMsixBar) {
                msixBarAddress = value & ~(MSIX_BAR_SIZE - 1) & 0xffff_ffffL;
            }
        } else if (offset == BAR_LOW && width == AccessWidth.WORD) {
            sizingLow = value == 0xffff_ffffL;
            if (!sizingLow && !faults.contains(PciFault.BAR_DOES_NOT_STICK)) {
                barAddress = (barAddress & 0xffff_ffff_0000_0000L) | (value & ~(BAR_SIZE - 1) & 0xffff_ffffL);
            }
        } else if (offset == BAR_HIGH && width == AccessWidth.WORD) {
            sizingHigh = value == 0xffff_ffffL;
            if (!sizingHigh && !faults.contains(PciFault.BAR_DOES_NOT_STICK)) {
                barAddress = (barAddress & 0xffff_ffffL) | (value << 32);
            }
        }
    }

    private int configByte(int offset) {
        if (offset >= CONFIG_BYTES) {
            return 0;
        }
        Integer overridden = overrides.get(offset);
        if (overridden != null) {
            return overridden;
        }
        long word = configWord(offset & ~3);
        return (int) (word >>> (8 * (offset & 3))) & 0xff;
    }

    private long configWord(int offset) {
        return switch (offset) {
            case 0x00 -> (DEVICE << 16) | VENDOR;
            case 0x04 -> (0x10L << 16) | command;
            case 0x08 -> 0x0100_0001L;
            case MSIX_BAR_LOW -> sizingMsixBar ? ~(MSIX_BAR_SIZE - 1) & 0xffff_fff0L : msixBarAddress;
            case BAR_LOW -> (sizingLow ? ~(BAR_SIZE - 1) & 0xffff_fff0L : barAddress & 0xffff_fff0L) | BAR_TYPE;
            case BAR_HIGH -> sizingHigh ? 0xffff_ffffL : barAddress >>> 32;
            case 0x2c -> (2L << 16) | VENDOR;
            case 0x34 -> faults.contains(PciFault.CAPABILITY_POINTER_IN_HEADER) ? 0x10 : MSIX_CAPABILITY;
            case MSIX_CAPABILITY -> 0x11L | (firstCapability() << 8)
                    | ((long) (msixControl | (table.length - 1)) << 16);
            case MSIX_CAPABILITY + 4 -> 1;
            case MSIX_CAPABILITY + 8 -> PBA | 1;
            case 0x3c -> 0x100;
            default -> capabilityWord(offset);
        };
    }

    private int firstCapability() {
        return faults.contains(PciFault.MISSING_COMMON_CONFIG) ? FIRST_CAPABILITY + 0x10 : FIRST_CAPABILITY;
    }

    /**
     * The virtio capabilities: common at 0x40, ISR at 0x50, device at 0x60, notify at 0x70 (20 bytes).
     */
    private long capabilityWord(int offset) {
        if (offset < FIRST_CAPABILITY || offset >= 0x84) {
            return 0;
        }
        int start = offset < 0x70 ? offset & ~0xf : 0x70;
        int type = start == 0x40 ? 1 : start == 0x50 ? 3 : start == 0x60 ? 4 : 2;
        int next = start == 0x70 ? (faults.contains(PciFault.CAPABILITY_LOOP) ? firstCapability() : 0) : start + 0x10;
        int length = type == 2 ? 20 : type == 1 && faults.contains(PciFault.SHORT_CAPABILITY) ? 8 : 16;
        int bar = type == 1 && faults.contains(PciFault.CAPABILITY_BAR_OUT_OF_RANGE) ? 7 : BAR_INDEX;
        long regionOffset = switch (type) {
            case 1 -> faults.contains(PciFault.CAPABILITY_OUTSIDE_BAR) ? BAR_SIZE - 0x10 : COMMON;
            case 3 -> ISR;
            case 4 -> DEVICE_CONFIG;
            default -> NOTIFY;
        };
        return switch (offset - start) {
            case 0 -> 0x09L | (next << 8) | (length << 16) | ((long) type << 24);
            case 4 -> bar;
            case 8 -> regionOffset;
            case 12 -> REGION;
            case 16 -> NOTIFY_MULTIPLIER;
            default -> 0;
        };
    }

    // ---- the memory BAR ----

    /** Whether memory decoding is on and {@code address} falls in one of the BARs. */
    public boolean decodes(long address) {
        return inVirtioBar(address) || inMsixBar(address);
    }

    private boolean inVirtioBar(long address) {
        return (command & COMMAND_MEMORY) != 0 && barAddress != 0 && address - barAddress >= 0
                && address - barAddress < BAR_SIZE;
    }

    private boolean inMsixBar(long address) {
        return (command & COMMAND_MEMORY) != 0 && msixBarAddress != 0 && address - msixBarAddress >= 0
                && address - msixBarAddress < MSIX_BAR_SIZE;
    }

    /** A read inside a BAR at {@code address}. */
    public long readBar(long address, AccessWidth width) {
        if (inMsixBar(address)) {
            return readMsixBar((int) (address - msixBarAddress), width, address);
        }
        int offset = (int) (address - barAddress);
        if (offset >= DEVICE_CONFIG && offset < DEVICE_CONFIG + REGION) {
            return device.readConfig(offset - DEVICE_CONFIG, width, address);
        }
        if (offset == ISR && width == AccessWidth.BYTE) {
            long causes = device.readInterruptStatus();
            if (causes != 0) {
                device.acknowledgeInterrupt(causes);
            }
            return causes & 0xff;
        }
        if (offset >= COMMON && offset < COMMON + REGION) {
            return readCommon(offset - COMMON, width, address);
        }
        context.violation(ViolationKind.UNDEFINED_REGISTER, address, width.bits() + "-bit read at BAR offset 0x"
                + Integer.toHexString(offset) + ", which holds no virtio structure field");
        return 0;
    }

    /** A write inside a BAR at {@code address}. */
    public void writeBar(long address, AccessWidth width, long value) {
        if (inMsixBar(address)) {
            writeMsixBar((int) (address - msixBarAddress), width, value, address);
            return;
        }
        int offset = (int) (address - barAddress);
        if (offset >= DEVICE_CONFIG && offset < DEVICE_CONFIG + REGION) {
            device.writeConfig(offset - DEVICE_CONFIG, width, value, address);
        } else if (width == notifyWidth() && notifiedQueue(offset).isPresent()) {
            notifyQueue(notifiedQueue(offset).getAsInt(), value, address);
        } else if (offset >= COMMON && offset < COMMON + REGION) {
            writeCommon(offset - COMMON, width, value, address);
        } else {
            context.violation(ViolationKind.UNDEFINED_REGISTER, address, width.bits() + "-bit write at BAR offset 0x"
                    + Integer.toHexString(offset) + ", which holds no writable virtio structure field");
        }
    }

    /** The MSI-X table (16 bytes per vector, 32-bit accesses) and the pending-bit array at 0x800. */
    private long readMsixBar(int offset, AccessWidth width, long address) {
        if (width == AccessWidth.WORD && offset < table.length * ENTRY_BYTES) {
            return table[offset / ENTRY_BYTES][offset % ENTRY_BYTES / 4] & 0xffff_ffffL;
        }
        if (width == AccessWidth.WORD && offset >= PBA && offset < PBA + 8 * ((table.length + 63) / 64)) {
            long[] words = pendingVectors.toLongArray();
            int index = (offset - PBA) / 8;
            long word = index < words.length ? words[index] : 0;
            return (offset % 8 == 0 ? word : word >>> 32) & 0xffff_ffffL;
        }
        context.violation(ViolationKind.UNDEFINED_REGISTER, address, width.bits() + "-bit read at MSI-X BAR offset 0x"
                + Integer.toHexString(offset) + ", which holds no table entry or pending bits");
        return 0;
    }

    private void writeMsixBar(int offset, AccessWidth width, long value, long address) {
        if (width != AccessWidth.WORD || offset >= table.length * ENTRY_BYTES) {
            context.violation(ViolationKind.UNDEFINED_REGISTER, address, width.bits() + "-bit write at MSI-X BAR offset 0x"
                    + Integer.toHexString(offset) + ", which holds no table entry");
            return;
        }
        int field = offset % ENTRY_BYTES / 4;
        table[offset / ENTRY_BYTES][field] = field == 3 ? (int) value & 1 : (int) value;
        sendPending();
    }

    private long readCommon(int offset, AccessWidth width, long address) {
        if (!fieldWidth(offset, width, address, false)) {
            return 0;
        }
        return switch (offset) {
            case 0x04 -> device.deviceFeatures(deviceFeatureSelect);
            case 0x10 -> configVector;
            case 0x1a -> queueVector(queueSelect);
            case 0x12 -> device.config().numQueues();
            case 0x14 -> device.status();
            case 0x15 -> device.configGeneration() & 0xff;
            case 0x16 -> queueSelect;
            case 0x18 -> queueSizes.getOrDefault(queueSelect, (int) device.queues().queueNumMax(queueSelect));
            case 0x1c -> device.queues().queueReady(queueSelect) ? 1 : 0;
            case 0x1e -> notifyOff(queueSelect);
            case 0x3a -> device.queues().readQueueReset(address);
            default -> 0;
        };
    }

    private void writeCommon(int offset, AccessWidth width, long value, long address) {
        if (!fieldWidth(offset, width, address, true)) {
            return;
        }
        switch (offset) {
            case 0x00 -> deviceFeatureSelect = (int) value;
            case 0x08 -> driverFeatureSelect = (int) value;
            case 0x0c -> device.writeDriverFeatures(driverFeatureSelect, value, address);
            case 0x14 -> {
                if (device.writeStatus((int) value, address)) {
                    deviceFeatureSelect = 0;
                    driverFeatureSelect = 0;
                    queueSelect = 0;
                    queueSizes.clear();
                    configVector = NO_VECTOR;
                    queueVectors.clear();
                }
            }
            case 0x16 -> queueSelect = (int) value;
            case 0x18 -> {
                queueSizes.put(queueSelect, (int) value);
                device.queues().setQueueNum(queueSelect, value, address);
            }
            case 0x1c -> device.queues().setQueueReady(queueSelect, value, address);
            case 0x20 -> device.queues().setQueueAddress(queueSelect, RingArea.DESC, false, value, address);
            case 0x24 -> device.queues().setQueueAddress(queueSelect, RingArea.DESC, true, value, address);
            case 0x28 -> device.queues().setQueueAddress(queueSelect, RingArea.DRIVER, false, value, address);
            case 0x2c -> device.queues().setQueueAddress(queueSelect, RingArea.DRIVER, true, value, address);
            case 0x30 -> device.queues().setQueueAddress(queueSelect, RingArea.DEVICE, false, value, address);
            case 0x34 -> device.queues().setQueueAddress(queueSelect, RingArea.DEVICE, true, value, address);
            case 0x3a -> {
                device.queues().writeQueueReset(queueSelect, value, address);
                queueSizes.remove(queueSelect);
                queueVectors.remove(queueSelect);
            }
            case 0x10 -> configVector = msixFaults.contains(MsixFault.REFUSE_CONFIG_VECTOR) ? NO_VECTOR : vector(value);
            case 0x1a -> queueVectors.put(queueSelect,
                    msixFaults.contains(MsixFault.REFUSE_QUEUE_VECTOR) ? NO_VECTOR : vector(value));
            default -> context.violation(ViolationKind.WRONG_REGISTER_DIRECTION, address,
                    "write to read-only common configuration field at 0x" + Integer.toHexString(offset));
        }
    }

    /** A vector field's value as the device keeps it: VIRTIO_MSI_NO_VECTOR for one past the table, as QEMU. */
    private int vector(long value) {
        return value < table.length ? (int) value : NO_VECTOR;
    }

    /** Checks that a common configuration access has its field's width (section 4.1.3.1). */
    private boolean fieldWidth(int offset, AccessWidth width, long address, boolean write) {
        int expected = offset < 0x10 ? 4 : offset < 0x14 ? 2 : offset < 0x16 ? 1 : offset < 0x20 ? 2 : offset < 0x38 ? 4
                : offset < 0x3c ? 2 : 0;
        if (expected == width.bytes()) {
            return true;
        }
        context.violation(expected == 0 ? ViolationKind.UNDEFINED_REGISTER : ViolationKind.BAD_REGISTER_WIDTH, address,
                String.format("%d-bit %s of common configuration offset 0x%02x", width.bits(), write ? "write" : "read",
                        offset));
        return false;
    }

    private int notifyOff(int queue) {
        return faults.contains(PciFault.NOTIFY_OFF_OUTSIDE) ? 0x400 : queueNotifyOffs.getOrDefault(queue, queue);
    }

    /** The lowest queue whose notify address is BAR offset {@code offset}, if any. */
    private OptionalInt notifiedQueue(int offset) {
        return IntStream.range(0, device.config().numQueues())
                .filter(queue -> offset == NOTIFY + notifyOff(queue) * NOTIFY_MULTIPLIER)
                .findFirst();
    }

    /** Whether VIRTIO_F_NOTIFICATION_DATA was negotiated: notifications are then 32-bit. */
    private boolean notificationData() {
        return (device.negotiatedFeatures() & VirtioBlk.bit(VirtioBlk.F_NOTIFICATION_DATA)) != 0;
    }

    /** The width of a notification: 16 bits (the queue's index), or 32 with VIRTIO_F_NOTIFICATION_DATA. */
    private AccessWidth notifyWidth() {
        return notificationData() ? AccessWidth.WORD : AccessWidth.HALF;
    }

    /**
     * A notification at queue {@code queue}'s address: that queue is processed, whatever value came;
     * the value (with VIRTIO_F_NOTIFICATION_DATA its low 16 bits) must be the queue's index.
     */
    private void notifyQueue(int queue, long value, long address) {
        long named = notificationData() ? value & 0xffff : value;
        if (named != queue) {
            context.violation(ViolationKind.BAD_NOTIFY, address, "notification value " + value
                    + " written at the notify address of queue " + queue + "; the value must be the queue's index");
        }
        device.notify(notificationData() ? (value & 0xffff_0000L) | queue : queue, address);
    }
}
