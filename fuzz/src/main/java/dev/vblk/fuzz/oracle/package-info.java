/**
 * The fuzz oracle, as an executor plus checks. {@link dev.vblk.fuzz.oracle.ScenarioRunner} builds the
 * fake machine a scenario describes ({@link dev.vblk.fuzz.oracle.ScenarioMachine}) and the platform the
 * driver sees, which counts and bounds its calls ({@link dev.vblk.fuzz.oracle.CountingPlatform}); the
 * {@code ScenarioExecutor} drives the workload (synchronous calls, batches, device events, recovery)
 * and hands an observation of each call to the checks, one class per family of invariants
 * ({@code InitialisationCheck}, {@link dev.vblk.fuzz.oracle.FalseSuccessCheck},
 * {@link dev.vblk.fuzz.oracle.DataIntegrityCheck}, {@link dev.vblk.fuzz.oracle.FatalStickyCheck},
 * {@code FailureKindCheck}, {@code TimeBudgetCheck}, ...), with {@code RequestAttribution} telling
 * which of a batch's calls each request the device saw belongs to. The run's findings make a
 * {@link dev.vblk.fuzz.oracle.Verdict} of {@link dev.vblk.fuzz.oracle.Finding}s, one per violated
 * {@link dev.vblk.fuzz.oracle.Invariant}. The checks that need no model of the device are public, and
 * {@code dev.vblk.fuzz.seeded.TraceOracle} judges recorded runs with them. The shrinker, the campaign,
 * the scenario trace recorder, the command line and the benchmarks run scenarios through the runner.
 */
package dev.vblk.fuzz.oracle;
