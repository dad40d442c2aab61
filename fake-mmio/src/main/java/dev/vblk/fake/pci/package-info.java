/**
 * PCI on the fake machine: {@link dev.vblk.fake.pci.FakePciHost}, a PCIe host bridge shaped like
 * QEMU's {@code virt} one (ECAM, bus 0, INTx lines), and
 * {@link dev.vblk.fake.pci.FakeVirtioBlkPciFunction}, a virtio-blk-pci function whose capabilities
 * and BAR are the virtio-pci front end of the same {@code VirtioCore} of {@code dev.vblk.fake.blk}
 * that the virtio-mmio front end serves; {@link dev.vblk.fake.pci.PciFault} breaks its configuration space on
 * purpose. {@code FakePlatform} attaches it when a test or run asks for a PCI device.
 */
package dev.vblk.fake.pci;
