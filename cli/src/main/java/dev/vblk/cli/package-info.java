/**
 * The {@code vblk} command line (picocli): {@link dev.vblk.cli.Vblk} and one command class per
 * subcommand ({@code scan}, {@code record}, {@code cat}, {@code put}, {@code inspect},
 * {@code diff}, {@code replay}, {@code export}, {@code extract}, {@code fuzz}, {@code report},
 * {@code demo}, {@code completion}), the checks of input and output files ({@code Inputs},
 * {@code Outputs}), traces read as streams pass by pass ({@code dev.vblk.trace.TraceFile}), and failures mapped to
 * one-line messages and exit statuses in one place ({@code ErrorReporter},
 * {@link dev.vblk.cli.ExitCodes}). It sits on top of the other modules, the benchmarks excepted:
 * the harness for recording, the replayer, the fuzzer, the QEMU backend and the driver.
 */
package dev.vblk.cli;
