/**
 * The MSI-X family of fuzz cases: the driver on a fake virtio-blk-pci function whose MSI-X vectors
 * and capability misbehave ({@link dev.vblk.fuzz.msix.MsixCase}), run by a campaign as
 * {@link dev.vblk.fuzz.msix.MsixCases} and by a jqwik property.
 */
package dev.vblk.fuzz.msix;
