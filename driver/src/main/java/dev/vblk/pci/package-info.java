/**
 * PCI as the driver needs it, with no firmware assumed: configuration space through the host
 * bridge's ECAM window ({@link dev.vblk.pci.PciHostBridge}, {@link dev.vblk.pci.PciConfigSpace}),
 * the capability list, enumeration of bus 0 ({@link dev.vblk.pci.PciEnumerator}), BAR sizing and
 * assignment ({@link dev.vblk.pci.BarAssigner}) and INTx routing. It reaches the machine through
 * {@code dev.vblk.platform} only; the virtio-pci transport and the PCI scanner of
 * {@code dev.vblk.discovery} are built on it, and {@link dev.vblk.pci.PciAddress} names PCI devices
 * everywhere else.
 */
package dev.vblk.pci;
