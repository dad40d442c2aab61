/**
 * Long seeded fuzzing runs outside the test suite: {@link dev.vblk.fuzz.campaign.FuzzCampaign} runs
 * case after case from a campaign seed through a {@link dev.vblk.fuzz.campaign.CaseSource}
 * (generated scenarios, or the trace-seeded cases of {@code dev.vblk.fuzz.seeded}), optionally in
 * shards, notes the behaviour reached, and shrinks failures and saves them in a
 * {@link dev.vblk.fuzz.campaign.FailureArchive} as a scenario and a trace. It brings together the
 * scenario, oracle, coverage, shrink, trace and results packages; {@code vblk fuzz} runs it, and
 * the fuzz case benchmark draws its cases from its seeds.
 */
package dev.vblk.fuzz.campaign;
