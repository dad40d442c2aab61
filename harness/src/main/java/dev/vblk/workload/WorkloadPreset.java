package dev.vblk.workload;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Named workloads for recording runs and the golden traces. They assume a disk of at least 2048
 * sectors (1 MiB) whose sectors hold {@link NamedPattern#SIGNATURE}, so every read has a known
 * answer; {@link #IO_ERROR} also assumes a target that fails reads of sector 9.
 */
public enum WorkloadPreset {

    /** Scan the MMIO window and initialise every block device; nothing else. */
    DISCOVERY("""
            # Scan the MMIO window and initialise every block device found; no further calls.
            """),

    /** Single-sector reads of chosen sectors, and one 8-sector read. */
    KNOWN_SECTORS("""
            # Reads of chosen sectors of a signed image: first, second, a low odd one, the end of
            # the first 256 KiB, one far in, the last of a 1 MiB disk, then 8 sectors in one call.
            read 0 1
            read 1 1
            read 9 1
            read 511 1
            read 1000 1
            read 2047 1
            read 17 8
            """),

    /** Writes data unlike the image's, reads it back with its untouched neighbours, then flushes. */
    WRITE_READ("""
            # Write 4 sectors unlike the image's, read them back with their untouched neighbours.
            write 40 4 pattern=complement
            read 40 4
            read 39 1
            read 44 1
            write 48 1 byte=0xa5
            read 48 1
            flush
            """),

    /** Writes and reads larger than one request, so the driver splits them, with flushes. */
    MULTI_SECTOR_FLUSH("""
            # 520 sectors (260 KiB) written and read in one call each: more than the driver's
            # 128 KiB per request, so each call is split into requests of 256, 256 and 8 sectors.
            write 100 520 pattern=complement
            flush
            read 100 520
            read 96 8
            write 100 520 pattern=signature
            flush
            read 360 16
            """),

    /** A read of a sector whose reads fail (sector 9), then its neighbours and a read spanning it. */
    IO_ERROR("""
            # Needs a target whose reads of sector 9 fail (blkdebug read_aio, errno 5).
            read 9 1
            read 8 1
            read 10 1
            read 5 1
            read 8 4
            read 12 1
            get-id
            """),

    /** A mix of every kind of call, used for the recording measurements. */
    STANDARD("""
            # A mix of every kind of call, for measurements.
            get-id
            read 0 8
            read 1000 1
            write 200 16 pattern=complement
            read 200 16
            write 300 300 byte=0x5a
            flush
            read 300 300
            discard 600 64
            write-zeroes 700 8
            read 700 8
            write 200 16 pattern=signature
            write 300 300 pattern=signature
            write 600 64 pattern=signature
            write 700 8 pattern=signature
            flush
            read 0 1024
            submit read 16 8
            submit get-id
            submit read 24 8
            wait any
            poll
            wait
            reset
            read 2047 1
            """),

    /**
     * Many requests in flight: batches of 32 submitted 4 KiB reads at scattered sectors, then a
     * batch of writes and the reads that check them, each batch taken by one wait.
     */
    DEPTH_32(depth32()),

    /**
     * Calls on each of four request queues of one device: needs a driver allowed four queues and a
     * device with as many ({@code vblk record --queues 4 --device-property num-queues=4}).
     */
    MULTI_QUEUE("""
            # Calls on each of four request queues of one device (VIRTIO_BLK_F_MQ): record with
            # --queues 4 and QEMU's --device-property num-queues=4. Each queue writes sectors of
            # its own and reads them back; queue 2 also submits a read and waits for it.
            queue 1
            write 64 8 pattern=complement
            read 64 8
            read 1 1
            queue 2
            write 128 8 byte=0x5a
            read 128 8
            submit read 200 8
            wait
            queue 3
            read 2047 1
            get-id
            queue 0
            read 64 8
            read 128 8
            flush
            """),

    /**
     * Writes read back, then request queue 0 reset by itself and the same sectors read again on its
     * fresh ring: needs a driver allowed VIRTIO_F_RING_RESET and a device that completes the reset
     * ({@code vblk record --pci --ring-reset}: QEMU 7.2's virtio-blk-pci does, its virtio-mmio device does not).
     */
    QUEUE_RESET("""
            # A queue reset by hand (VIRTIO_F_RING_RESET): record with --ring-reset on a device that
            # completes it (QEMU 7.2's virtio-blk-pci, --pci). Sectors written and read back, the
            # queue reset by itself, then read again and written anew on the queue's fresh ring.
            write 40 4 pattern=complement
            read 40 4
            read 39 1
            queue-reset
            read 40 4
            read 44 1
            write 48 1 byte=0xa5
            read 48 1
            get-id
            flush
            """);

    /** The text of {@link #DEPTH_32}: sectors from a fixed linear congruential sequence. */
    private static String depth32() {
        StringBuilder text = new StringBuilder("# 32 requests in flight at a time.\n");
        long state = 2026;
        for (int batch = 0; batch < 2; batch++) {
            for (int i = 0; i < 32; i++) {
                state = (state * 6364136223846793005L + 1442695040888963407L);
                text.append("submit read ").append(((state >>> 33) % 256) * 8).append(" 8\n");
            }
            text.append("wait\n");
        }
        for (int i = 0; i < 32; i++) {
            text.append("submit write ").append(1024 + i * 8).append(" 8 pattern=complement\n");
        }
        text.append("wait\n");
        for (int i = 0; i < 32; i++) {
            text.append("submit read ").append(1024 + i * 8).append(" 8\n");
        }
        text.append("wait\n");
        for (int i = 0; i < 32; i++) {
            text.append("submit write ").append(1024 + i * 8).append(" 8 pattern=signature\n");
        }
        text.append("wait\nflush\n");
        return text.toString();
    }

    private final String text;

    WorkloadPreset(String text) {
        this.text = text;
    }

    /** The name on the command line and in file names: {@code known-sectors}, {@code io-error}... */
    public String presetName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The workload text. */
    public String text() {
        return text;
    }

    /** The parsed workload, named after the preset. */
    public Workload workload() {
        return Workload.parse(presetName(), text);
    }

    /** The preset called {@code name}, if there is one. */
    public static Optional<WorkloadPreset> named(String name) {
        return Arrays.stream(values()).filter(p -> p.presetName().equals(name)).findFirst();
    }

    /** The preset names, comma-separated, for messages. */
    public static String names() {
        return Arrays.stream(values()).map(WorkloadPreset::presetName).collect(Collectors.joining(", "));
    }
}
