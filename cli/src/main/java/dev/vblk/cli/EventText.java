package dev.vblk.cli;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceEvent;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.InterruptStatus;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.BlkFeatures;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Trace events as a person reads them: registers by name and slot, status, interrupt and feature
 * words decoded, memory as a short hex preview. Feature words depend on the page selected before
 * them, so events must be rendered in order.
 */
final class EventText {

    private static final int PREVIEW_BYTES = 16;

    private final MmioWindow window;
    private final Map<Long, Long> featurePages = new HashMap<>();

    EventText(MmioWindow window) {
        this.window = window;
    }

    /** Renders {@code event}, taking note of a feature page it selects. */
    String render(TraceEvent event) {
        if (event instanceof TraceEvent.RegisterRead read) {
            return "read   " + register(read.address()) + " -> " + value(read.address(), read.value());
        } else if (event instanceof TraceEvent.RegisterWrite write) {
            String text = "write  " + register(write.address()) + " <- " + value(write.address(), write.value());
            selectPage(write.address(), write.value());
            return text;
        } else if (event instanceof TraceEvent.MemoryRead read) {
            return String.format("mem rd 0x%08x %5d bytes: %s", read.address(), read.length(), preview(read.data()));
        } else if (event instanceof TraceEvent.MemoryWrite write) {
            return String.format("mem wr 0x%08x %5d bytes: %s", write.address(), write.length(), preview(write.data()));
        } else if (event instanceof TraceEvent.FrameAllocation alloc) {
            return String.format("alloc  %d frame(s), alignment 0x%x -> %s", alloc.frameCount(), alloc.alignment(),
                    alloc.address().isPresent() ? String.format("0x%08x", alloc.address().getAsLong()) : "refused");
        } else if (event instanceof TraceEvent.FrameFree free) {
            return String.format("free   %d frame(s) at 0x%08x", free.frameCount(), free.address());
        } else if (event instanceof TraceEvent.InterruptWait wait) {
            return (wait.timeoutNanos() == 0 ? "poll   irq " + wait.line()
                    : "wait   irq " + wait.line() + " up to " + wait.timeoutNanos() + " ns")
                    + " -> " + (wait.raised() ? "raised" : "not raised");
        } else if (event instanceof TraceEvent.ClockRead clock) {
            return "clock  " + clock.nanos() + " ns";
        } else if (event instanceof TraceEvent.OperationBegin begin) {
            return "begin  operation " + begin.operationId() + ": " + operation(begin);
        } else if (event instanceof TraceEvent.OperationEnd end) {
            return "end    operation " + end.operationId() + ": " + outcome(end.outcome());
        }
        throw new IllegalArgumentException("unknown event " + event);
    }

    /** An operation in a line: {@code read virtio-blk@0x0a003e00 sector 9, 1 sector(s)}. */
    static String operation(TraceEvent.OperationBegin begin) {
        String kind = begin.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return switch (begin.kind()) {
            case READ, WRITE, DISCARD, WRITE_ZEROES -> kind + " " + begin.device() + " sector " + begin.sector() + ", "
                    + begin.sectorCount() + " sector(s)";
            case DISCOVERY -> kind;
            default -> kind + " " + begin.device();
        };
    }

    /** An outcome in a line: {@code OK (sha256 1a2b3c4d...)} or {@code IO_ERROR: message}. */
    static String outcome(OperationOutcome outcome) {
        if (outcome instanceof OperationOutcome.Succeeded ok) {
            return "OK (sha256 " + HexFormat.of().formatHex(ok.sha256()).substring(0, 16) + "...)";
        }
        OperationOutcome.Failed failed = (OperationOutcome.Failed) outcome;
        return failed.errorKind() + (failed.message().isEmpty() ? "" : ": " + failed.message());
    }

    /** A register address by name: {@code Status (slot 31)}, or the bare address outside the window. */
    String register(long address) {
        if (address < window.baseAddress() || address >= window.endAddress()) {
            return String.format("0x%08x", address);
        }
        long relative = address - window.baseAddress();
        return MmioRegister.describeOffset((int) (relative % window.slotSize())) + " (slot " + relative / window.slotSize() + ")";
    }

    private MmioRegister registerAt(long address) {
        if (address < window.baseAddress() || address >= window.endAddress()) {
            return null;
        }
        return MmioRegister.at((int) ((address - window.baseAddress()) % window.slotSize())).orElse(null);
    }

    private long slotBase(long address) {
        return address - (address - window.baseAddress()) % window.slotSize();
    }

    private String value(long address, long value) {
        MmioRegister register = registerAt(address);
        if (register == null) {
            return String.format("0x%x", value);
        }
        return switch (register) {
            case STATUS -> DeviceStatus.describe(value);
            case INTERRUPT_STATUS, INTERRUPT_ACK -> InterruptStatus.describe(value);
            case DEVICE_FEATURES, DRIVER_FEATURES -> {
                long page = featurePages.getOrDefault(pageKey(address, register), 0L);
                yield String.format("0x%08x (page %d: %s)", value, page,
                        page > 1 ? "-" : BlkFeatures.describe((value & 0xffff_ffffL) << (32 * page)));
            }
            case MAGIC_VALUE, VENDOR_ID, QUEUE_DESC_LOW, QUEUE_DESC_HIGH, QUEUE_DRIVER_LOW, QUEUE_DRIVER_HIGH,
                    QUEUE_DEVICE_LOW, QUEUE_DEVICE_HIGH -> String.format("0x%08x", value);
            default -> Long.toString(value);
        };
    }

    private void selectPage(long address, long value) {
        MmioRegister register = registerAt(address);
        if (register == MmioRegister.DEVICE_FEATURES_SEL) {
            featurePages.put(slotBase(address) + MmioRegister.DEVICE_FEATURES.offset(), value);
        } else if (register == MmioRegister.DRIVER_FEATURES_SEL) {
            featurePages.put(slotBase(address) + MmioRegister.DRIVER_FEATURES.offset(), value);
        }
    }

    private long pageKey(long address, MmioRegister register) {
        return slotBase(address) + register.offset();
    }

    /** The first bytes in hex, with {@code ...} when cut. */
    static String preview(byte[] data) {
        int shown = Math.min(PREVIEW_BYTES, data.length);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < shown; i++) {
            text.append(i == 0 ? "" : " ").append(String.format("%02x", data[i]));
        }
        return data.length > shown ? text + " ..." : text.toString();
    }
}
