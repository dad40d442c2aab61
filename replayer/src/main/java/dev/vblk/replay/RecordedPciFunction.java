package dev.vblk.replay;

import dev.vblk.pci.PciAddress;
import dev.vblk.pci.PciBar;
import dev.vblk.pci.PciCapability;
import dev.vblk.pci.PciConfigSpace;
import dev.vblk.pci.PciException;
import dev.vblk.pci.PciFunction;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.RegisterBus;
import dev.vblk.trace.TraceEvent;
import dev.vblk.virtio.VirtioException;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.pci.VirtioPciCapability;
import dev.vblk.virtio.pci.VirtioPciLayout;
import dev.vblk.virtio.pci.VirtioPciTransport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a trace shows of one PCI function's configuration space, read through the host bridge's ECAM
 * window: the bytes the driver read and the BAR addresses it wrote (after sizing them). It is read as
 * the function's configuration space, so that the driver's own code finds the function's virtio
 * structures in it as the driver did.
 */
final class RecordedPciFunction implements RegisterBus {

    private static final long ALL_ONES = 0xffff_ffffL;
    private static final int BAR_COUNT = 6;

    private final PciHostBridge host;
    private final PciAddress address;
    private final Map<Integer, Integer> bytes = new HashMap<>();
    private final long[] barWritten = new long[BAR_COUNT];
    private final long[] barMask = new long[BAR_COUNT];
    private final boolean[] sizing = new boolean[BAR_COUNT];

    RecordedPciFunction(PciHostBridge host, PciAddress address) {
        this.host = host;
        this.address = address;
    }

    static Map<PciAddress, RecordedPciFunction> fromTrace(Iterable<TraceEvent> events, PciHostBridge host) {
        Map<PciAddress, RecordedPciFunction> functions = new TreeMap<>(
                (a, b) -> Integer.compare(a.device() * 8 + a.function(), b.device() * 8 + b.function()));
        long ecamEnd = host.ecamBase() + (1L << 20);
        for (TraceEvent event : events) {
            if (event instanceof TraceEvent.RegisterRead read && read.address() >= host.ecamBase()
                    && read.address() < ecamEnd) {
                function(functions, host, read.address()).read(offset(read.address()), read.width(), read.value());
            } else if (event instanceof TraceEvent.RegisterWrite write && write.address() >= host.ecamBase()
                    && write.address() < ecamEnd) {
                function(functions, host, write.address()).write(offset(write.address()), write.width(), write.value());
            }
        }
        return functions;
    }

    private static RecordedPciFunction function(Map<PciAddress, RecordedPciFunction> functions, PciHostBridge host,
            long address) {
        long offset = address - host.ecamBase();
        PciAddress at = new PciAddress(0, (int) (offset >> 15) & 0x1f, (int) (offset >> 12) & 7);
        return functions.computeIfAbsent(at, a -> new RecordedPciFunction(host, a));
    }

    private static int offset(long address) {
        return (int) (address & 0xfff);
    }

    private void read(int offset, AccessWidth width, long value) {
        int bar = barIndex(offset);
        if (bar >= 0 && width == AccessWidth.WORD && sizing[bar]) {
            barMask[bar] = value & ALL_ONES;
            sizing[bar] = false;
            return;
        }
        for (int i = 0; i < width.bytes(); i++) {
            bytes.put(offset + i, (int) (value >>> (8 * i)) & 0xff);
        }
    }

    private void write(int offset, AccessWidth width, long value) {
        int bar = barIndex(offset);
        if (bar >= 0 && width == AccessWidth.WORD) {
            sizing[bar] = (value & ALL_ONES) == ALL_ONES;
            if (!sizing[bar]) {
                barWritten[bar] = value & ALL_ONES;
            }
        }
    }

    private static int barIndex(int offset) {
        return offset >= PciConfigSpace.BAR0 && offset < PciConfigSpace.BAR0 + 4 * BAR_COUNT && offset % 4 == 0
                ? (offset - PciConfigSpace.BAR0) / 4 : -1;
    }

    /**
     * The function's virtio structures when it is a virtio block function with assigned BARs.
     *
     * @throws UnreplayableTraceException if its recorded capabilities do not resolve
     */
    Optional<VirtioPciLayout> layout(PciAddress at, PciHostBridge bridge) {
        PciConfigSpace config = new PciConfigSpace(this, bridge, at);
        PciFunction function = new PciFunction(at, config.u16(PciConfigSpace.VENDOR_ID), config.u16(PciConfigSpace.DEVICE_ID),
                config.u16(PciConfigSpace.SUBSYSTEM_ID), 0, config.u8(PciConfigSpace.INTERRUPT_PIN), bars());
        if (VirtioPciTransport.deviceType(function.vendorId(), function.deviceId(), function.subsystemId()).orElse(-1)
                != VirtioBlkDevice.DEVICE_TYPE || function.bars().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(VirtioPciLayout.resolve(function,
                    VirtioPciCapability.read(config, PciCapability.list(config), at.toString()), at.toString()));
        } catch (VirtioException | PciException e) {
            throw new UnreplayableTraceException("the virtio-pci function at " + at
                    + " cannot be rebuilt from the configuration space the trace read: " + e.getMessage(), e);
        }
    }

    /** The memory BARs the trace assigned: the address written after sizing, the size the sizing read showed. */
    private List<PciBar> bars() {
        List<PciBar> bars = new ArrayList<>();
        for (int index = 0; index < BAR_COUNT; index++) {
            long mask = barMask[index];
            if (mask == 0 || (mask & 1) != 0) {
                continue;
            }
            boolean wide = (mask & 0x6) == 0x4;
            long full = wide && index + 1 < BAR_COUNT ? (barMask[index + 1] << 32) | (mask & ~0xfL)
                    : 0xffff_ffff_0000_0000L | (mask & ~0xfL);
            long address = (barWritten[index] & ~0xfL) | (wide && index + 1 < BAR_COUNT ? barWritten[index + 1] << 32 : 0);
            bars.add(new PciBar(index, address, -full, wide, (mask & 0x8) != 0));
            if (wide) {
                index++;
            }
        }
        return bars;
    }

    @Override
    public long readRegister(long at, AccessWidth width) {
        int offset = (int) (at - host.configAddress(address, 0));
        long value = 0;
        for (int i = width.bytes() - 1; i >= 0; i--) {
            value = (value << 8) | bytes.getOrDefault(offset + i, 0);
        }
        return value;
    }

    @Override
    public void writeRegister(long at, AccessWidth width, long value) {
        // The recorded configuration space is read only.
    }
}
