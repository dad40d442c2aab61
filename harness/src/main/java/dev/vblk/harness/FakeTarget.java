package dev.vblk.harness;

import dev.vblk.block.BlockDevice;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.trace.TraceMetadata;
import dev.vblk.virtio.blk.GuestRam;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The software fake machine with virtio-blk devices attached where QEMU would put them (the first in
 * slot 31, the next in slot 30, ...). The disks are live objects: a run changes them, so a second run
 * on the same target starts from what the first left.
 *
 * <p>Guest RAM is {@link #DEFAULT_RAM_BYTES}, or more when the devices need more: each takes its
 * queues' rings and buffer pools ({@link #withMemoryPerDevice}, with
 * {@code DriverOptions.guestMemoryPerDevice()}), as QEMU's guest RAM is sized.
 *
 * <p>Platform metadata: {@code kind=fake}, the machine's {@code fake.ramBytes},
 * {@code fake.clockStepNanos} and {@code fake.interruptBase}, and per device {@code i}:
 * {@code device.i.name}, {@code .slot}, {@code .capacitySectors}, {@code .readOnly},
 * {@code .features} (hex), {@code .idString}, {@code .queueNumMax}, {@code .sizeMax},
 * {@code .segMax}, {@code .blkSize}, {@code .writeback} and {@code .requestHook} ({@code normal} or
 * {@code custom}).
 *
 * @param drives the devices, attached in this order
 * @param ramBytes the machine's guest RAM
 */
public record FakeTarget(List<FakeDrive> drives, long ramBytes) implements Target {

    /** Guest RAM of the fake machine when its devices need no more. */
    public static final long DEFAULT_RAM_BYTES = 64L << 20;
    /** How far each clock read advances the fake machine's virtual clock. */
    public static final long CLOCK_STEP_NANOS = 1000;
    /** Interrupt line of slot 0, as on QEMU's virt board. */
    public static final int INTERRUPT_BASE = 16;

    /**
     * One fake device.
     *
     * @param name the disk's name in trace metadata
     * @param config the device and its disk
     */
    public record FakeDrive(String name, FakeBlkConfig config) {
        public FakeDrive {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(config, "config");
        }
    }

    /** The devices on a machine with {@link #DEFAULT_RAM_BYTES} of guest RAM. */
    public FakeTarget(List<FakeDrive> drives) {
        this(drives, DEFAULT_RAM_BYTES);
    }

    public FakeTarget {
        drives = List.copyOf(drives);
        if (ramBytes <= 0 || ramBytes % GuestRam.MIB != 0) {
            throw new IllegalArgumentException("guest RAM is whole MiB, not " + ramBytes + " bytes");
        }
        if (drives.size() > FakePlatform.SLOTS) {
            throw new IllegalArgumentException("the fake machine has " + FakePlatform.SLOTS + " slots, not enough for "
                    + drives.size() + " devices");
        }
    }

    /** The same devices, each with {@code queues} request queues (VIRTIO_BLK_F_MQ offered when more than one). */
    public FakeTarget withQueues(int queues) {
        return withDevices(config -> config.numQueues(queues));
    }

    /** The same devices, each configured further by {@code change} (such as a feature it offers). */
    public FakeTarget withDevices(UnaryOperator<FakeBlkConfig.Builder> change) {
        return new FakeTarget(drives.stream()
                .map(drive -> new FakeDrive(drive.name(), change.apply(drive.config().toBuilder()).build()))
                .toList(), ramBytes);
    }

    /**
     * The same devices, offering VIRTIO_BLK_F_SECURE_ERASE and VIRTIO_BLK_F_LIFETIME as asked (VirtIO
     * 1.2, which QEMU 7.2 does not offer); a device offers what it offered before when both are false.
     */
    public FakeTarget offering(boolean secureErase, boolean lifetime) {
        return new FakeTarget(drives.stream().map(drive -> {
            FakeBlkConfig.Builder config = drive.config().toBuilder();
            if (secureErase) {
                config.offerSecureErase(true);
            }
            if (lifetime) {
                config.offerLifetime(true);
            }
            return new FakeDrive(drive.name(), config.build());
        }).toList(), ramBytes);
    }

    /**
     * The same devices, offering and requiring VIRTIO_F_ACCESS_PLATFORM when {@code required} (as QEMU
     * with {@code iommu_platform=on} does); unchanged when it is false.
     */
    public FakeTarget requiringAccessPlatform(boolean required) {
        if (!required) {
            return this;
        }
        return new FakeTarget(drives.stream().map(drive -> new FakeDrive(drive.name(),
                drive.config().toBuilder().offerAccessPlatform(true).build())).toList(), ramBytes);
    }

    /**
     * The same devices on a machine whose guest RAM gives each device {@code bytes} (such as
     * {@code DriverOptions.guestMemoryPerDevice()}): the larger of that, rounded up to whole MiB, and
     * {@link #DEFAULT_RAM_BYTES}.
     */
    public FakeTarget withMemoryPerDevice(long bytes) {
        return new FakeTarget(drives, GuestRam.bytes(DEFAULT_RAM_BYTES, drives.size(), bytes));
    }

    /** One device with QEMU's defaults over an in-memory disk of {@code sectors} signed sectors. */
    public static FakeTarget signedDisk(String name, int sectors) {
        return new FakeTarget(List.of(new FakeDrive(name,
                FakeBlkConfig.builder().disk(SignedImages.inMemory(sectors)).build())));
    }

    @Override
    public List<TraceMetadata.DiskImage> diskImages() {
        return drives.stream()
                .map(d -> new TraceMetadata.DiskImage(d.name(), d.config().disk().sizeBytes(), Sha256.ofDisk(d.config().disk())))
                .toList();
    }

    @Override
    public StartedTarget start() {
        FakePlatform platform = FakePlatform.builder()
                .ramSize(ramBytes)
                .clockStepNanos(CLOCK_STEP_NANOS)
                .interruptBase(INTERRUPT_BASE)
                .build();
        SortedMap<String, String> metadata = new TreeMap<>();
        metadata.put("kind", "fake");
        metadata.put("fake.ramBytes", Long.toString(ramBytes));
        metadata.put("fake.clockStepNanos", Long.toString(CLOCK_STEP_NANOS));
        metadata.put("fake.interruptBase", Integer.toString(INTERRUPT_BASE));
        for (int i = 0; i < drives.size(); i++) {
            FakeDrive drive = drives.get(i);
            int slot = platform.nextFreeSlot();
            platform.attachBlockDevice(slot, drive.config());
            describe(metadata, "device." + i + ".", drive, slot);
        }
        return new Started(platform, metadata);
    }

    private static void describe(SortedMap<String, String> map, String prefix, FakeDrive drive, int slot) {
        FakeBlkConfig config = drive.config();
        map.put(prefix + "name", drive.name());
        map.put(prefix + "slot", Integer.toString(slot));
        map.put(prefix + "capacitySectors", Long.toString(config.disk().sizeBytes() / BlockDevice.SECTOR_SIZE));
        map.put(prefix + "readOnly", Boolean.toString(config.readOnly()));
        map.put(prefix + "features", "0x" + Long.toHexString(config.features()));
        map.put(prefix + "idString", config.idString());
        map.put(prefix + "queueNumMax", Integer.toString(config.queueNumMax()));
        map.put(prefix + "sizeMax", Long.toString(config.sizeMax()));
        map.put(prefix + "segMax", Long.toString(config.segMax()));
        map.put(prefix + "blkSize", Long.toString(config.blkSize()));
        map.put(prefix + "writeback", Integer.toString(config.writeback()));
        map.put(prefix + "requestHook", config.requestHook() == RequestHook.NORMAL ? "normal" : "custom");
    }

    private record Started(FakePlatform platform, SortedMap<String, String> platformMetadata) implements StartedTarget {
        @Override
        public SortedMap<String, String> platformMetadata() {
            return new TreeMap<>(platformMetadata);
        }

        @Override
        public void close() {
            // The fake machine holds nothing outside the heap.
        }
    }
}
