/**
 * The model of a hostile device: a {@link dev.vblk.fuzz.scenario.Scenario} holds a device's fixed
 * configuration ({@link dev.vblk.fuzz.scenario.DeviceSpec}), its faults, queue and allocator
 * behaviour, scripted request outcomes and a workload of {@link dev.vblk.fuzz.scenario.ScenarioStep}s;
 * {@link dev.vblk.fuzz.scenario.ScenarioGenerator} draws one from a seed and
 * {@link dev.vblk.fuzz.scenario.ScenarioJson} saves and reads it. Its terms are those of the fake
 * device's fault hooks ({@code dev.vblk.fake.blk}, {@code dev.vblk.fake.memory}); the oracle runs
 * scenarios, the shrinker reduces them, and the campaign and the trace recorder use both.
 */
package dev.vblk.fuzz.scenario;
