/**
 * Trace-seeded fuzzing: a case takes a recorded {@link dev.vblk.fuzz.seeded.SeedTrace} and one
 * {@link dev.vblk.fuzz.seeded.TraceMutation} of a device's answer in it
 * ({@link dev.vblk.fuzz.seeded.TraceMutator}), replays strictly up to that event and live on the
 * fake machine after it ({@link dev.vblk.fuzz.seeded.SeededRunner}), records the run, and judges
 * the recording with {@link dev.vblk.fuzz.seeded.TraceOracle}, which needs no model of the device and
 * judges with the scenario oracle's checks.
 * {@link dev.vblk.fuzz.seeded.SeededCases} is the campaign's {@code CaseSource} for such cases. It
 * builds on the replayer's branching replay and request reconstruction, the recorder and the
 * session.
 */
package dev.vblk.fuzz.seeded;
