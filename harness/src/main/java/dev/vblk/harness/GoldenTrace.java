package dev.vblk.harness;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.pci.MsiFrame;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.qemu.BlkdebugRule;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.session.BoardParameters;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.workload.WorkloadPreset;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The golden traces checked in under {@code traces/}: each a {@link WorkloadPreset} recorded on QEMU
 * against freshly made signed images (see {@link SignedImages}), so that recording one again
 * issues the same calls and gets the same answers; named after its preset, except {@link #PACKED},
 * the depth-32 preset on the packed ring.
 */
public enum GoldenTrace {

    /** Discovery and initialisation of two drives, the second read-only. */
    DISCOVERY(WorkloadPreset.DISCOVERY, "scan of the virt board's 32 slots; initialisation of a 1 MiB raw drive "
            + "(slot 31) and a read-only 32 KiB raw drive (slot 30, VIRTIO_BLK_F_RO)"),
    /** Reads of chosen sectors. */
    KNOWN_SECTORS(WorkloadPreset.KNOWN_SECTORS, "single-sector reads of sectors 0, 1, 9, 511, 1000, 2047 and an "
            + "8-sector read from 17, each returning the sector signature"),
    /** A write read back. */
    WRITE_READ(WorkloadPreset.WRITE_READ, "4 complemented sectors written at 40 and read back with their untouched "
            + "neighbours 39 and 44, a 0xa5-filled sector at 48, a flush"),
    /** Calls split into several requests, with flushes. */
    MULTI_SECTOR_FLUSH(WorkloadPreset.MULTI_SECTOR_FLUSH, "a 520-sector write and read, each split by the driver "
            + "into requests of 256, 256 and 8 sectors, with flushes; the signature written back"),
    /** A blkdebug-injected read error. */
    IO_ERROR(WorkloadPreset.IO_ERROR, "QEMU's blkdebug fails every read of sector 9 with EIO: the read of 9 and "
            + "the 4-sector read spanning it fail with IO_ERROR, the neighbours and GET_ID succeed"),
    /** Many requests in flight. */
    DEPTH_32(WorkloadPreset.DEPTH_32, "batches of 32 submitted 4 KiB reads, writes and read-backs, each taken by one "
            + "wait: interrupt-driven completion, indirect descriptors and the event index"),
    /** Many requests in flight on the packed ring. */
    PACKED(WorkloadPreset.DEPTH_32, "the depth-32 workload on QEMU's packed ring (packed=on, VIRTIO_F_RING_PACKED "
            + "allowed): a ring of 64 descriptors lapped several times, buffer ids, wrap counters and event suppression"),
    /** Calls on four request queues. */
    MULTI_QUEUE(WorkloadPreset.MULTI_QUEUE, "calls on each of the four request queues of QEMU's device "
            + "(num-queues=4, VIRTIO_BLK_F_MQ, the driver allowed 4 queues): writes read back, a submitted read, "
            + "GET_ID and a flush, each on its own queue's ring"),
    /** The write read back, over virtio-pci. */
    PCI_WRITE_READ(WorkloadPreset.WRITE_READ, "the write-read workload on a virtio-blk-pci function at 00:01.0: "
            + "PCI bus 0 enumerated, BAR4 assigned, the transport found through its capabilities, INTx on line 4"),
    /** The write read back, over virtio-pci with MSI-X vectors. */
    PCI_MSIX_WRITE_READ(WorkloadPreset.WRITE_READ, "the write-read workload on a virtio-blk-pci function at 00:01.0 "
            + "with MSI-X: the table in BAR1 pointed at the GICv2m frame, the configuration vector on line 48 and "
            + "queue 0's on line 49, each completion an edge taken from its line, the ISR never read"),
    /** A queue reset by hand, over virtio-pci, whose device completes it. */
    PCI_QUEUE_RESET(WorkloadPreset.QUEUE_RESET, "the queue-reset workload on a virtio-blk-pci function at 00:01.0, "
            + "the driver allowed VIRTIO_F_RING_RESET and VIRTIO_BLK_F_TOPOLOGY: writes read back, queue 0 reset by "
            + "itself through queue_reset, then reads and a write on its fresh ring; the topology hints read");

    /** The request queues of {@link #MULTI_QUEUE}'s device and driver. */
    public static final int MULTI_QUEUE_QUEUES = 4;

    /** The largest queue of {@link #PACKED}: 32 chains in flight lap a ring of 64 in two batches. */
    public static final int PACKED_QUEUE_SIZE = 64;

    /** Sectors of the main image: 1 MiB. */
    public static final int IMAGE_SECTORS = 2048;

    /** Sectors of the read-only image of {@link #DISCOVERY}: 32 KiB. */
    public static final int SMALL_IMAGE_SECTORS = 64;

    /** The sector whose reads fail in {@link #IO_ERROR}. */
    public static final long FAILING_SECTOR = 9;

    private final WorkloadPreset preset;
    private final String description;

    GoldenTrace(WorkloadPreset preset, String description) {
        this.preset = preset;
        this.description = description;
    }

    /**
     * Whether recording it again may deliver completions in another order and take other numbers of
     * interrupts or waits: with many requests in flight that depends on when QEMU's I/O thread
     * completes each; with several queues, a queue waits on the interrupt line they share in slices,
     * re-arming its event index after each, and how many slices a wait takes depends on the same.
     */
    public boolean timingDependent() {
        return this == DEPTH_32 || this == PACKED || this == MULTI_QUEUE;
    }

    /**
     * Whether the trace's drive is a virtio-blk-pci function; its name is then its preset's with
     * {@code pci-} before it, or {@code pci-msix-} when it {@link #usesMsix()}.
     */
    public boolean overPci() {
        return this == PCI_WRITE_READ || this == PCI_MSIX_WRITE_READ || this == PCI_QUEUE_RESET;
    }

    /** Whether the board gives the virtio-blk-pci function MSI-X vectors through its GICv2m frame. */
    public boolean usesMsix() {
        return this == PCI_MSIX_WRITE_READ;
    }

    /**
     * The board and driver options it is recorded with: QEMU's virt window and the default options;
     * for {@link #PACKED} the packed ring, for {@link #MULTI_QUEUE} four request queues, for a trace
     * {@link #overPci()} PCI bus 0 as well, with the GICv2m frame when it {@link #usesMsix()}, for
     * {@link #PCI_QUEUE_RESET} with VIRTIO_F_RING_RESET and VIRTIO_BLK_F_TOPOLOGY allowed.
     */
    public BoardParameters board() {
        if (this == PCI_QUEUE_RESET) {
            BoardParameters pci = BoardParameters.QEMU_VIRT_DEFAULTS.withPci(PciHostBridge.QEMU_VIRT);
            return pci.withOptions(pci.options().withRingReset(true).withTopology(true));
        }
        if (overPci()) {
            return BoardParameters.QEMU_VIRT_DEFAULTS.withPci(usesMsix()
                    ? PciHostBridge.QEMU_VIRT.withMsi(MsiFrame.QEMU_VIRT_V2M) : PciHostBridge.QEMU_VIRT);
        }
        if (this == MULTI_QUEUE) {
            BoardParameters defaults = BoardParameters.QEMU_VIRT_DEFAULTS;
            return defaults.withOptions(defaults.options().withMaxQueues(MULTI_QUEUE_QUEUES));
        }
        if (this != PACKED) {
            return BoardParameters.QEMU_VIRT_DEFAULTS;
        }
        DriverOptions defaults = DriverOptions.DEFAULTS;
        return new BoardParameters(MmioWindow.QEMU_VIRT, defaults.withBudgets(defaults.requestTimeoutNanos(),
                defaults.maxPollsPerRequest(), defaults.pollIntervalNanos(), PACKED_QUEUE_SIZE, defaults.maxRequestBytes())
                .withPackedRing(true));
    }

    /** The trace's name: its file is {@code <name>.trace.avro}. */
    public String traceName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The workload recorded. */
    public WorkloadPreset preset() {
        return preset;
    }

    /** What the trace shows. */
    public String description() {
        return description;
    }

    /** The trace file in {@code directory}. */
    public Path file(Path directory) {
        return directory.resolve(traceName() + ".trace.avro");
    }

    /**
     * Writes this trace's signed images into {@code imageDirectory} and returns the QEMU target over them.
     *
     * <p>Guest RAM is reached over qtest, not shared: every memory read is then a qtest round trip,
     * answered only after QEMU has reported the interrupt of a completion it shows, so whether the
     * driver finds that interrupt pending (and acknowledges it) does not depend on timing, and a
     * recording made again has the same driver events as the checked-in one.
     *
     * @throws HarnessException if an image cannot be written
     */
    public QemuTarget target(Path imageDirectory) {
        DriveConfig main = DriveConfig.raw(SignedImages.raw(imageDirectory, traceName() + ".img", IMAGE_SECTORS));
        QemuConfig.Builder config = QemuConfig.builder();
        if (overPci()) {
            config.pciDrive(main);
        } else {
            config.drive(this == IO_ERROR ? main.withErrors(BlkdebugRule.readError(FAILING_SECTOR)) : main);
        }
        if (this == PACKED) {
            config.extraArgs("-global", "virtio-blk-device.packed=on");
        }
        if (this == MULTI_QUEUE) {
            config.extraArgs("-global", "virtio-blk-device.num-queues=" + MULTI_QUEUE_QUEUES);
        }
        if (this == DISCOVERY) {
            config.drive(DriveConfig.raw(SignedImages.raw(imageDirectory, traceName() + "-ro.img", SMALL_IMAGE_SECTORS))
                    .asReadOnly());
        }
        return new QemuTarget(config.sharedMemory(false).build());
    }

    /** The golden trace called {@code name}, if there is one. */
    public static Optional<GoldenTrace> named(String name) {
        return Arrays.stream(values()).filter(t -> t.traceName().equals(name)).findFirst();
    }

    /** Every golden trace, in order. */
    public static List<GoldenTrace> all() {
        return List.of(values());
    }
}
