/**
 * Finding and binding devices: {@link dev.vblk.discovery.MmioScanner} probes each slot of an
 * {@link dev.vblk.discovery.MmioWindow}, {@link dev.vblk.discovery.PciScanner} enumerates PCI
 * bus 0, each virtio block device found is initialised with the driver of
 * {@code dev.vblk.virtio.blk} and registered in the {@link dev.vblk.discovery.DeviceRegistry}, and
 * what each slot or function held is reported. {@code DriverSession} runs it at the start of every
 * run, recorded, replayed or fuzzed, and the command line's {@code scan} prints its reports.
 */
package dev.vblk.discovery;
