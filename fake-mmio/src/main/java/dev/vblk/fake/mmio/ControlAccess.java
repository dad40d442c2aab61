package dev.vblk.fake.mmio;

import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.AccessWidth;
import java.util.Optional;

/**
 * The checks every access to a control register goes through: it must be 32 bits wide, at a defined
 * offset and in the register's direction. A failed check is recorded; the access then reads 0 and
 * is otherwise ignored, as QEMU does.
 */
public final class ControlAccess {

    private ControlAccess() {}

    /** The register a checked access reaches, or empty after recording why it reaches none. */
    public static Optional<ControlRegister> check(
            DeviceContext context, int offset, AccessWidth width, boolean write) {
        long address = context.baseAddress() + offset;
        if (width != AccessWidth.WORD) {
            context.violation(ViolationKind.BAD_REGISTER_WIDTH, address,
                    width.bits() + "-bit " + (write ? "write to" : "read of")
                            + " a control register; only 32-bit accesses are allowed");
            return Optional.empty();
        }
        Optional<ControlRegister> register = ControlRegister.at(offset);
        if (register.isEmpty()) {
            context.violation(ViolationKind.UNDEFINED_REGISTER, address,
                    (write ? "write" : "read") + " of undefined register offset 0x" + hex3(offset));
            return Optional.empty();
        }
        ControlRegister reg = register.get();
        if (write ? !reg.writable() : !reg.readable()) {
            context.violation(ViolationKind.WRONG_REGISTER_DIRECTION, address,
                    (write ? "write to read-only " : "read of write-only ") + reg);
            return Optional.empty();
        }
        return register;
    }

    /** {@code offset} in hexadecimal, at least 3 digits (as {@code %03x}, without the cost of a Formatter). */
    private static String hex3(int offset) {
        String digits = Integer.toHexString(offset);
        return "000".substring(Math.min(3, digits.length())) + digits;
    }
}
