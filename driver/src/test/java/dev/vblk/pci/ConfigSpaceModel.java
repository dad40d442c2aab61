package dev.vblk.pci;

import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.RegisterBus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration spaces of a few functions behind a host bridge's ECAM window, as little as
 * the enumeration tests need: bytes read back as written, except base address registers, which
 * keep their size's address bits and type bits as real ones do; every write is logged. A test
 * overrides the register accesses for a function that breaks the rules.
 */
public class ConfigSpaceModel implements RegisterBus {

    /** A register write as the model saw it. */
    public record Write(PciAddress function, int offset, AccessWidth width, long value) {}

    /** One function's space; BARs are declared with {@link #bar32}, {@link #bar64} and {@link #ioBar}. */
    public static final class Function {
        private final byte[] bytes = new byte[PciHostBridge.FUNCTION_CONFIG_BYTES];
        private final long[] barMask = new long[6];
        private final long[] barFlags = new long[6];
        private final boolean[] barHigh = new boolean[6];

        public Function set16(int offset, int value) {
            bytes[offset] = (byte) value;
            bytes[offset + 1] = (byte) (value >>> 8);
            return this;
        }

        public Function set8(int offset, int value) {
            bytes[offset] = (byte) value;
            return this;
        }

        /** A 32-bit memory BAR of {@code size} bytes (0: unimplemented) with these low flag bits. */
        public Function bar32(int index, long size, int flags) {
            barMask[index] = size == 0 ? 0 : ~(size - 1) & 0xffff_fff0L;
            barFlags[index] = flags;
            store(index, barFlags[index]);
            return this;
        }

        /** A 64-bit memory BAR of {@code size} bytes in {@code index} and {@code index + 1}. */
        public Function bar64(int index, long size, boolean prefetchable) {
            long mask = ~(size - 1);
            barMask[index] = mask & 0xffff_fff0L;
            barFlags[index] = 0x4 | (prefetchable ? 0x8 : 0);
            store(index, barFlags[index]);
            if (index + 1 < 6) {
                barMask[index + 1] = mask >>> 32;
                barHigh[index + 1] = true;
            }
            return this;
        }

        /** An I/O BAR, which the assigner must leave alone. */
        public Function ioBar(int index) {
            barFlags[index] = 0x1;
            barMask[index] = 0xffff_fffcL;
            store(index, 0x1);
            return this;
        }

        long read(int offset, AccessWidth width) {
            long value = 0;
            for (int i = width.bytes() - 1; i >= 0; i--) {
                value = (value << 8) | (bytes[offset + i] & 0xff);
            }
            return value;
        }

        void write(int offset, AccessWidth width, long value) {
            int bar = (offset - PciConfigSpace.BAR0) / 4;
            if (offset >= PciConfigSpace.BAR0 && offset < PciConfigSpace.BAR0 + 24 && width == AccessWidth.WORD) {
                store(bar, barHigh[bar] ? value & barMask[bar] : (value & barMask[bar]) | barFlags[bar]);
                return;
            }
            for (int i = 0; i < width.bytes(); i++) {
                bytes[offset + i] = (byte) (value >>> (8 * i));
            }
        }

        public long bar(int index) {
            return read(PciConfigSpace.BAR0 + 4 * index, AccessWidth.WORD);
        }

        public int command() {
            return (int) read(PciConfigSpace.COMMAND, AccessWidth.HALF);
        }

        private void store(int index, long value) {
            int offset = PciConfigSpace.BAR0 + 4 * index;
            for (int i = 0; i < 4; i++) {
                bytes[offset + i] = (byte) (value >>> (8 * i));
            }
        }
    }

    private final PciHostBridge host;
    private final Map<PciAddress, Function> functions = new HashMap<>();
    private final List<Write> writes = new ArrayList<>();

    public ConfigSpaceModel(PciHostBridge host) {
        this.host = host;
    }

    /** Adds a function with this vendor and device ID and header type 0. */
    public Function add(PciAddress address, int vendor, int device) {
        Function function = new Function().set16(PciConfigSpace.VENDOR_ID, vendor).set16(PciConfigSpace.DEVICE_ID, device);
        functions.put(address, function);
        return function;
    }

    public List<Write> writes() {
        return writes;
    }

    @Override
    public long readRegister(long address, AccessWidth width) {
        long offset = address - host.ecamBase();
        Function function = functions.get(functionAt(offset));
        if (function == null) {
            return (1L << width.bits()) - 1;
        }
        return function.read((int) (offset & 0xfff), width);
    }

    @Override
    public void writeRegister(long address, AccessWidth width, long value) {
        long offset = address - host.ecamBase();
        PciAddress at = functionAt(offset);
        writes.add(new Write(at, (int) (offset & 0xfff), width, value));
        Function function = functions.get(at);
        if (function != null) {
            function.write((int) (offset & 0xfff), width, value);
        }
    }

    private static PciAddress functionAt(long offset) {
        return new PciAddress((int) (offset >>> 20), (int) (offset >>> 15) & 0x1f, (int) (offset >>> 12) & 0x7);
    }
}
