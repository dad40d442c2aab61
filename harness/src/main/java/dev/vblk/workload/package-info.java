/**
 * Workloads: the block-level calls a recording run makes, written in a small line-oriented text
 * language ({@link dev.vblk.workload.WorkloadParser}) or taken from the named
 * {@link dev.vblk.workload.WorkloadPreset}s.
 */
package dev.vblk.workload;
