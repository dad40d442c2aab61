/**
 * The fake machine's log of rule violations: each misuse it notices (a register access of the wrong
 * width, a memory write outside allocated frames, a bad notify, a malformed queue) is a
 * {@link dev.vblk.fake.violation.Violation} of a {@link dev.vblk.fake.violation.ViolationKind},
 * kept in order in a {@link dev.vblk.fake.violation.ViolationLog}. The machine, its memory, its
 * MMIO window and its devices write to it; tests and the fuzz oracle read it, since each violation
 * is a driver bug.
 */
package dev.vblk.fake.violation;
