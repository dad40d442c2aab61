/**
 * The fuzz oracle: {@link dev.vblk.fuzz.oracle.ScenarioRunner} runs the driver against the fake
 * machine a scenario describes ({@link dev.vblk.fuzz.oracle.ScenarioMachine}), counting and
 * bounding its platform calls ({@link dev.vblk.fuzz.oracle.CountingPlatform}), and judges the run
 * into a {@link dev.vblk.fuzz.oracle.Verdict} of {@link dev.vblk.fuzz.oracle.Finding}s, one per
 * violated {@link dev.vblk.fuzz.oracle.Invariant}. It builds on {@code dev.vblk.fuzz.scenario}, the
 * fake machine and its violation log; the shrinker, the campaign, the scenario trace recorder, the
 * command line and the benchmarks run scenarios through it.
 */
package dev.vblk.fuzz.oracle;
