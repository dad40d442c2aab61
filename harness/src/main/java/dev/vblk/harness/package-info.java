/**
 * Runs workloads against a target (QEMU or the fake device), recorded into a trace or not, and
 * records the golden traces checked in under {@code traces/}.
 */
package dev.vblk.harness;
