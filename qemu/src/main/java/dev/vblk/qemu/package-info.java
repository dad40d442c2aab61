/**
 * The QEMU backend: {@link dev.vblk.qemu.QemuMachine} starts a {@code virt} machine with its drives
 * (or {@link dev.vblk.qemu.AttachedQemu} takes over one the user started), talks to it with the
 * qtest and QMP clients, and {@link dev.vblk.qemu.QemuPlatform} implements the platform interface
 * over it, with guest RAM shared through a mapped file or reached over qtest.
 * {@link dev.vblk.qemu.RawVirtioBlk} programs the device by hand, without the driver, to check the
 * backend and give the benchmarks an upper limit. It depends on {@code dev.vblk.platform} and
 * {@code dev.vblk.pci} only; the harness, the command line and the benchmarks use it.
 */
package dev.vblk.qemu;
