/**
 * Scenarios as traces: {@link dev.vblk.fuzz.trace.ScenarioTraceRecorder} runs a scenario on the
 * machine the oracle builds, recorded through {@code DriverSession}, and writes an Avro trace the
 * replayer replays, so a failure found once stays a regression test;
 * {@link dev.vblk.fuzz.trace.RelaxedModel} says from which operation on relaxed replay cannot model
 * the scenario's device. It builds on the scenario, oracle, recorder, session and trace packages;
 * the campaign's {@code FailureArchive} uses it.
 */
package dev.vblk.fuzz.trace;
