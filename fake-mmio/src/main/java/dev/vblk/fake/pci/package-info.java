/**
 * PCI on the fake machine: {@link dev.vblk.fake.pci.FakePciHost}, a PCIe host bridge shaped like
 * QEMU's {@code virt} one (ECAM, bus 0, INTx lines), and
 * {@link dev.vblk.fake.pci.FakeVirtioBlkPciFunction}, a virtio-blk-pci function whose capabilities
 * and BAR put the same {@code FakeVirtioBlkDevice} of {@code dev.vblk.fake.blk} behind the
 * virtio-pci structures; {@link dev.vblk.fake.pci.PciFault} breaks its configuration space on
 * purpose. {@code FakePlatform} attaches it when a test or run asks for a PCI device.
 */
package dev.vblk.fake.pci;
