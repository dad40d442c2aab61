/**
 * The fake machine: {@link dev.vblk.fake.FakePlatform} implements the platform interface like
 * QEMU's {@code virt} board (sparse guest RAM with a frame allocator, 32 virtio-mmio slots,
 * level-triggered interrupt lines, a PCIe host bridge once a PCI function is attached),
 * deterministic on a {@link dev.vblk.fake.VirtualClock}. It assembles the packages below it
 * (devices from {@code dev.vblk.fake.blk} and {@code dev.vblk.fake.pci}, memory from
 * {@code dev.vblk.fake.memory}, the window from {@code dev.vblk.fake.mmio}, the
 * {@code dev.vblk.fake.violation} log), and the tests, the harness's fake target, the relaxed
 * replayer and the fuzz oracle run the driver on it.
 */
package dev.vblk.fake;
