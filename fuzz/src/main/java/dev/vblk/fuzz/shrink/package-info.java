/**
 * Making failing fuzz cases smaller: {@link dev.vblk.fuzz.shrink.ScenarioShrinker} removes steps,
 * outcomes and faults from a scenario while the oracle still finds the same invariant violated, and
 * gives a {@link dev.vblk.fuzz.shrink.Shrunk} result with the case's
 * {@link dev.vblk.fuzz.shrink.ShrinkSize} before and after. It uses {@code dev.vblk.fuzz.scenario}
 * and {@code dev.vblk.fuzz.oracle}; the campaign shrinks every failure with it before saving, and
 * trace-seeded shrinking reports its sizes in the same terms.
 */
package dev.vblk.fuzz.shrink;
