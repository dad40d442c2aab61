/**
 * A cheap measure of the driver behaviour fuzz cases reach:
 * {@link dev.vblk.fuzz.coverage.CoverageProbe}, a platform decorator, notes each register access in
 * an MMIO window into a {@link dev.vblk.fuzz.coverage.BehaviourCoverage} of (register, direction,
 * value class) triples. It uses only {@code dev.vblk.platform} and the window of
 * {@code dev.vblk.discovery}; the oracle and the trace-seeded runner wrap their platforms in it,
 * the campaign adds up what its cases reach, and a trace-seeded case that reaches new behaviour
 * joins the corpus later cases mutate.
 */
package dev.vblk.fuzz.coverage;
