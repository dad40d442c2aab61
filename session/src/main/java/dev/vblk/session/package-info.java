/**
 * The driver brought up the same way in every run: {@link dev.vblk.session.DriverSession} runs
 * discovery on a platform and then issues {@link dev.vblk.session.BlockOperation}s on the devices
 * found, recorded or not, and {@link dev.vblk.session.BoardParameters} are what a run needs besides
 * its platform to be repeated (stored in each trace's metadata). It is built on
 * {@code dev.vblk.discovery}, the driver, {@code dev.vblk.recorder} and {@code dev.vblk.trace}; the
 * harness, the replayer, the fuzzer, the command line and the benchmarks drive the driver through
 * it, so a replay makes exactly the calls a recording made.
 */
package dev.vblk.session;
