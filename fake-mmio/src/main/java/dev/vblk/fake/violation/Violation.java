package dev.vblk.fake.violation;

/**
 * One misuse the fake machine noticed.
 *
 * @param kind what kind of misuse
 * @param address the physical address involved (register or memory), or -1 if none
 * @param detail a sentence saying what happened
 */
public record Violation(ViolationKind kind, long address, String detail) {

    @Override
    public String toString() {
        return address < 0
                ? kind + ": " + detail
                : String.format("%s at 0x%x: %s", kind, address, detail);
    }
}
