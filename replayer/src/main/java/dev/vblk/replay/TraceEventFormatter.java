package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.session.BlockOperation;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.InterruptStatus;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.BlkFeatures;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;

/**
 * Renders trace events and driver calls for people: registers by name and slot, status,
 * interrupt and feature words decoded, memory as a short hex preview.
 *
 * <p>A feature word is only meaningful with the page selected before it, so the formatter follows
 * DeviceFeaturesSel and DriverFeaturesSel writes: feed it the events in order with {@link #format}
 * (or {@link #advance}) and it decodes each DeviceFeatures or DriverFeatures access with its page.
 */
public final class TraceEventFormatter {

    private static final int PREVIEW_BYTES = 16;

    private final MmioWindow window;
    private final Map<Integer, Long> deviceFeaturesSel = new HashMap<>();
    private final Map<Integer, Long> driverFeaturesSel = new HashMap<>();

    /** A formatter for a trace recorded on a board with this MMIO window. */
    public TraceEventFormatter(MmioWindow window) {
        this.window = window;
    }

    /** A formatter in the same state as this one. */
    TraceEventFormatter copy() {
        TraceEventFormatter copy = new TraceEventFormatter(window);
        copy.deviceFeaturesSel.putAll(deviceFeaturesSel);
        copy.driverFeaturesSel.putAll(driverFeaturesSel);
        return copy;
    }

    /** Renders {@code event}, then takes note of any feature page it selects. */
    public String format(TraceEvent event) {
        String text = render(event);
        advance(event);
        return text;
    }

    /** Takes note of the feature page {@code event} selects, if it selects one, without rendering it. */
    public void advance(TraceEvent event) {
        // Called for every event a replay leaves behind: the register's offset is looked at before its slot.
        if (event instanceof TraceEvent.RegisterWrite write) {
            int offset = offsetOf(write.address());
            if (offset == MmioRegister.DEVICE_FEATURES_SEL.offset()) {
                slotOf(write.address()).ifPresent(slot -> deviceFeaturesSel.put(slot, write.value()));
            } else if (offset == MmioRegister.DRIVER_FEATURES_SEL.offset()) {
                slotOf(write.address()).ifPresent(slot -> driverFeaturesSel.put(slot, write.value()));
            }
        }
    }

    /** Renders a call the driver made, decoded under the feature pages seen so far. */
    public String format(PlatformCall call) {
        if (call instanceof PlatformCall.RegisterRead read) {
            return "read  " + registerName(read.address()) + width(read.width().bytes(), read.address());
        } else if (call instanceof PlatformCall.RegisterWrite write) {
            return "write " + registerName(write.address()) + width(write.width().bytes(), write.address()) + " <- "
                    + registerValue(write.address(), write.value());
        } else if (call instanceof PlatformCall.MemoryRead read) {
            return String.format("read  memory 0x%x, %d byte(s)", read.address(), read.length());
        } else if (call instanceof PlatformCall.MemoryWrite write) {
            return String.format("write memory 0x%x, %d byte(s) <- %s", write.address(), write.data().length,
                    preview(write.data()));
        } else if (call instanceof PlatformCall.FrameAllocation allocation) {
            return String.format("allocate %d frame(s), alignment 0x%x", allocation.frameCount(), allocation.alignment());
        } else if (call instanceof PlatformCall.FrameFree free) {
            return String.format("free %d frame(s) at 0x%x", free.frameCount(), free.address());
        } else if (call instanceof PlatformCall.InterruptWait wait) {
            return waitText(wait.line(), wait.timeoutNanos());
        }
        return "read clock";
    }

    /** Names a register address: {@code Status (slot 31)}, {@code config+0x14 (slot 31)}, or the bare address. */
    public String registerName(long address) {
        Optional<Integer> slot = slotOf(address);
        if (slot.isEmpty()) {
            return String.format("register 0x%x (outside the MMIO window)", address);
        }
        return MmioRegister.describeOffset(offsetOf(address)) + " (slot " + slot.get() + ")";
    }

    /** The register's name without its slot, such as {@code Status}. */
    public String registerShortName(long address) {
        return slotOf(address).map(slot -> MmioRegister.describeOffset(offsetOf(address)))
                .orElse(String.format("0x%x", address));
    }

    /** A register value decoded by what the register holds: status bits, interrupt bits, features. */
    public String registerValue(long address, long value) {
        Optional<Integer> slot = slotOf(address);
        if (slot.isEmpty()) {
            return hex(value);
        }
        int offset = offsetOf(address);
        if (offset >= MmioRegister.CONFIG_SPACE_OFFSET) {
            return hex(value);
        }
        Optional<MmioRegister> register = MmioRegister.at(offset);
        if (register.isEmpty()) {
            return hex(value);
        }
        switch (register.get()) {
            case STATUS:
                return DeviceStatus.describe(value);
            case INTERRUPT_STATUS:
            case INTERRUPT_ACK:
                return InterruptStatus.describe(value);
            case DEVICE_FEATURES:
                return features(value, deviceFeaturesSel.getOrDefault(slot.get(), 0L));
            case DRIVER_FEATURES:
                return features(value, driverFeaturesSel.getOrDefault(slot.get(), 0L));
            case MAGIC_VALUE:
                return value == MmioRegister.MAGIC ? hex(value) + " (\"virt\")" : hex(value);
            case QUEUE_DESC_LOW:
            case QUEUE_DESC_HIGH:
            case QUEUE_DRIVER_LOW:
            case QUEUE_DRIVER_HIGH:
            case QUEUE_DEVICE_LOW:
            case QUEUE_DEVICE_HIGH:
            case VENDOR_ID:
                return hex(value);
            default:
                return Long.toString(value);
        }
    }

    /** Renders one operation's start, such as {@code operation 4: read virtio-blk@0x0a003e00 sector 12, 8 sector(s)}. */
    public static String operation(TraceEvent.OperationBegin begin) {
        String text = begin.kind() == OperationKind.DISCOVERY ? "discovery"
                : BlockOperation.describe(begin.kind(), begin.device(), begin.sector(), begin.sectorCount());
        return "operation " + begin.operationId() + ": " + text;
    }

    /** Renders an outcome: {@code succeeded (sha256 1a2b3c4d...)} or {@code failed IO_ERROR: message}. */
    public static String outcome(OperationOutcome outcome) {
        if (outcome instanceof OperationOutcome.Succeeded succeeded) {
            return "succeeded (sha256 " + HexFormat.of().formatHex(succeeded.sha256()).substring(0, 16) + "...)";
        }
        OperationOutcome.Failed failed = (OperationOutcome.Failed) outcome;
        return "failed " + failed.errorKind() + (failed.message().isEmpty() ? "" : ": " + failed.message());
    }

    private String render(TraceEvent event) {
        if (event instanceof TraceEvent.RegisterRead read) {
            return "read  " + registerName(read.address()) + width(read.width().bytes(), read.address()) + " -> "
                    + registerValue(read.address(), read.value());
        } else if (event instanceof TraceEvent.RegisterWrite write) {
            return "write " + registerName(write.address()) + width(write.width().bytes(), write.address()) + " <- "
                    + registerValue(write.address(), write.value());
        } else if (event instanceof TraceEvent.MemoryRead read) {
            return String.format("read  memory 0x%x, %d byte(s) -> %s", read.address(), read.length(), preview(read.data()));
        } else if (event instanceof TraceEvent.MemoryWrite write) {
            return String.format("write memory 0x%x, %d byte(s) <- %s", write.address(), write.length(), preview(write.data()));
        } else if (event instanceof TraceEvent.FrameAllocation allocation) {
            return String.format("allocate %d frame(s), alignment 0x%x -> %s", allocation.frameCount(),
                    allocation.alignment(), allocation.address().isPresent()
                            ? hex(allocation.address().getAsLong()) : "refused");
        } else if (event instanceof TraceEvent.FrameFree free) {
            return String.format("free %d frame(s) at 0x%x", free.frameCount(), free.address());
        } else if (event instanceof TraceEvent.InterruptWait wait) {
            return waitText(wait.line(), wait.timeoutNanos()) + " -> " + (wait.raised() ? "raised" : "not raised");
        } else if (event instanceof TraceEvent.ClockRead clock) {
            return "read clock -> " + clock.nanos() + " ns";
        } else if (event instanceof TraceEvent.OperationBegin begin) {
            return "begin " + operation(begin);
        } else if (event instanceof TraceEvent.ThreadSwitch thread) {
            return "thread " + thread.thread() + " (" + thread.name() + ")";
        }
        TraceEvent.OperationEnd end = (TraceEvent.OperationEnd) event;
        return "end operation " + end.operationId() + ": " + outcome(end.outcome());
    }

    private static String waitText(int line, long timeoutNanos) {
        return timeoutNanos == 0 ? "poll interrupt line " + line
                : "wait on interrupt line " + line + " up to " + timeoutNanos + " ns";
    }

    private String width(int bytes, long address) {
        boolean control = slotOf(address).isPresent() && offsetOf(address) < MmioRegister.CONFIG_SPACE_OFFSET;
        return control && bytes == 4 ? "" : " [" + bytes * 8 + "-bit]";
    }

    private static String features(long word, long page) {
        String decoded = page <= 1 ? BlkFeatures.describe(word << (32 * page)) : "page " + page;
        return hex(word) + " (page " + page + ": " + decoded + ")";
    }

    private Optional<Integer> slotOf(long address) {
        if (address < window.baseAddress() || address >= window.endAddress()) {
            return Optional.empty();
        }
        return Optional.of((int) ((address - window.baseAddress()) / window.slotSize()));
    }

    private int offsetOf(long address) {
        return (int) ((address - window.baseAddress()) % window.slotSize());
    }

    private static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }

    /** The first bytes of {@code data} in hex, with the total length when cut. */
    static String preview(byte[] data) {
        int shown = Math.min(PREVIEW_BYTES, data.length);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(String.format("%02x", data[i]));
        }
        if (shown < data.length) {
            text.append(" ...");
        }
        return text.length() == 0 ? "(nothing)" : text.toString();
    }
}
