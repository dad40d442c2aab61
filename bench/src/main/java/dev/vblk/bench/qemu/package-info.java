/**
 * The driver's speed on QEMU's real device, as {@code main} programs rather than JMH benchmarks:
 * {@link dev.vblk.bench.qemu.QemuBenchmark} times workloads recorded and not, over shared or qtest
 * memory, split and packed rings and virtio-mmio and virtio-pci, against {@code RawVirtioBlk} as
 * the upper limit, and {@link dev.vblk.bench.qemu.MultiQueueBenchmark} times random reads by ring,
 * queues and submitting threads. They start machines with {@code dev.vblk.qemu} and open the driver
 * of {@code dev.vblk.virtio.blk} on the first drive ({@code QemuBenchmark} through
 * {@code DriverSession}, as the command line does).
 */
package dev.vblk.bench.qemu;
