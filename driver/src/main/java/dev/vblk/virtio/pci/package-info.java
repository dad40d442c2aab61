/**
 * The modern virtio-pci transport: {@link dev.vblk.virtio.pci.VirtioPciTransport} implements
 * {@code VirtioTransport} over the common configuration, notify, ISR and device configuration
 * structures that the function's vendor capabilities
 * ({@link dev.vblk.virtio.pci.VirtioPciCapability}) locate in its BARs
 * ({@link dev.vblk.virtio.pci.VirtioPciLayout}), with INTx as its interrupt. It uses
 * {@code dev.vblk.pci} for configuration space and assigned BARs; discovery opens it on each virtio
 * block function it finds, and the replayer reads PCI traces through its layout.
 */
package dev.vblk.virtio.pci;
