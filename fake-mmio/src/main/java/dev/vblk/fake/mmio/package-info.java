/**
 * The fake virtio-mmio window: {@link dev.vblk.fake.mmio.MmioDevice} is what sits in a slot,
 * {@link dev.vblk.fake.mmio.EmptySlot} a slot with nothing plugged in,
 * {@link dev.vblk.fake.mmio.ControlRegister} the fake's own register map, and
 * {@link dev.vblk.fake.mmio.ControlAccess} the checks every control register access goes through;
 * {@link dev.vblk.fake.mmio.DeviceContext} is what the machine gives a device it attaches. The fake
 * block device and the PCI function are built on it, {@code FakePlatform} hands each register
 * access in the window to its slot's device, and the replayer attaches devices of its own to slots.
 */
package dev.vblk.fake.mmio;
