package dev.vblk.fake.blk;

import dev.vblk.fake.disk.DiskBacking;
import dev.vblk.fake.disk.InMemoryDisk;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Everything that defines a fake virtio-blk device before it runs: its disk, offered features,
 * identification, queues, config-space values and request hook. Defaults follow QEMU 7.2's
 * {@code virtio-blk-device}. Build with {@link #builder()}.
 *
 * @param disk the bytes behind the device; capacity is its size in 512-byte sectors
 * @param readOnly writes are refused with IOERR, and VIRTIO_BLK_F_RO is offered
 * @param features the feature bits offered (already including F_RO when read-only)
 * @param idString the GET_ID answer, at most 20 ASCII bytes (zero-padded)
 * @param queueNumMax QueueNumMax of every queue
 * @param numQueues how many virtqueues the device has (1 to 1024, QEMU's VIRTIO_QUEUE_MAX); the
 *     config field num_queues holds it
 * @param sizeMax config size_max
 * @param segMax config seg_max
 * @param geometry config geometry
 * @param blkSize config blk_size
 * @param topology config topology
 * @param writeback the writeback value after reset (1 = write-back cache, 0 = write-through)
 * @param discard the discard limits in config space
 * @param writeZeroes the write-zeroes limits in config space
 * @param secureErase the secure-erase limits in config space (read when VIRTIO_BLK_F_SECURE_ERASE is offered)
 * @param lifetime the GET_LIFETIME answer (when VIRTIO_BLK_F_LIFETIME is offered)
 * @param zoned the zone layout and characteristics (when VIRTIO_BLK_F_ZONED is offered)
 * @param requiresAccessPlatform FEATURES_OK is refused unless the driver accepts the offered
 *     VIRTIO_F_ACCESS_PLATFORM, as QEMU with {@code iommu_platform=on} refuses it
 * @param requestHook decides the outcome of each request
 */
public record FakeBlkConfig(
        DiskBacking disk,
        boolean readOnly,
        long features,
        String idString,
        int queueNumMax,
        int numQueues,
        long sizeMax,
        long segMax,
        Geometry geometry,
        long blkSize,
        Topology topology,
        int writeback,
        DiscardLimits discard,
        WriteZeroesLimits writeZeroes,
        SecureEraseLimits secureErase,
        Lifetime lifetime,
        Zoned zoned,
        boolean requiresAccessPlatform,
        RequestHook requestHook) {

    /** The geometry field of the config space. */
    public record Geometry(int cylinders, int heads, int sectors) {}

    /**
     * The topology field of the config space, read by a driver that negotiates VIRTIO_BLK_F_TOPOLOGY
     * (offered by default, as QEMU does). Any value the fields can hold is taken, including ones no
     * real device gives (a physical block of 2^255 logical blocks, an alignment offset past the
     * physical block, an opt_io_size that is not a multiple of min_io_size), to see what a driver
     * does with them.
     *
     * @param physicalBlockExp physical_block_exp (u8): log2 of the logical blocks per physical block
     * @param alignmentOffset alignment_offset (u8): the first aligned logical block
     * @param minIoSize min_io_size (le16) in logical blocks
     * @param optIoSize opt_io_size (le32) in logical blocks
     */
    public record Topology(int physicalBlockExp, int alignmentOffset, int minIoSize, long optIoSize) {

        public Topology {
            if (physicalBlockExp < 0 || physicalBlockExp > 0xff || alignmentOffset < 0 || alignmentOffset > 0xff
                    || minIoSize < 0 || minIoSize > 0xffff || optIoSize < 0 || optIoSize > 0xffffffffL) {
                throw new IllegalArgumentException("topology fields are u8, u8, le16 and le32: " + physicalBlockExp + ", "
                        + alignmentOffset + ", " + minIoSize + ", " + optIoSize);
            }
        }
    }

    /** Discard limits: max_discard_sectors, max_discard_seg, discard_sector_alignment. */
    public record DiscardLimits(long maxSectors, long maxSegments, long sectorAlignment) {}

    /** Write-zeroes limits: max_write_zeroes_sectors, max_write_zeroes_seg, write_zeroes_may_unmap. */
    public record WriteZeroesLimits(long maxSectors, long maxSegments, boolean mayUnmap) {}

    /**
     * Secure-erase limits: max_secure_erase_sectors, max_secure_erase_seg, secure_erase_sector_alignment
     * (le32 each). Zeroes are taken, to see what a driver does with a device that gives them.
     */
    public record SecureEraseLimits(long maxSectors, long maxSegments, long sectorAlignment) {}

    /**
     * The GET_LIFETIME answer, struct virtio_blk_lifetime (le16 each). Any 16-bit values are taken,
     * the reserved ones (pre_eol_info above 3, estimates above 11) included.
     */
    public record Lifetime(int preEolInfo, int lifetimeEstimateA, int lifetimeEstimateB) {

        public Lifetime {
            if ((preEolInfo | lifetimeEstimateA | lifetimeEstimateB) >>> 16 != 0) {
                throw new IllegalArgumentException("lifetime fields are le16: " + preEolInfo + ", "
                        + lifetimeEstimateA + ", " + lifetimeEstimateB);
            }
        }
    }

    /**
     * A zoned device (VirtIO 1.2 VIRTIO_BLK_F_ZONED): its characteristics in config space and how its
     * zones are laid out and behave ({@link ZonedDisk}).
     *
     * @param model 0 (VIRTIO_BLK_Z_NONE), 1 (host-managed) or 2 (host-aware); other values are taken
     *     as they are, to see what a driver does with them
     * @param zoneSectors zone_sectors; the last zone may be smaller
     * @param maxOpenZones max_open_zones, 0 for no limit
     * @param maxActiveZones max_active_zones, 0 for no limit
     * @param maxAppendSectors max_append_sectors, 0 for no zone append
     * @param writeGranularity write_granularity in bytes
     * @param conventionalZones how many zones at the start are conventional; the rest are
     *     sequential-write-required (host-managed) or sequential-write-preferred (otherwise)
     * @param lie how the device breaks the zone rules, {@link ZoneLie#NONE} for not at all
     */
    public record Zoned(int model, long zoneSectors, long maxOpenZones, long maxActiveZones, long maxAppendSectors,
            long writeGranularity, int conventionalZones, ZoneLie lie) {

        /** Not zoned: VIRTIO_BLK_F_ZONED is not offered. */
        public static final Zoned NONE = new Zoned(0, 0, 0, 0, 0, 0, 0, ZoneLie.NONE);

        public Zoned {
            Objects.requireNonNull(lie, "lie");
        }

        /** A host-managed device of {@code zoneSectors}-sector zones, the first one conventional, 2 open and 3 active at most. */
        public static Zoned hostManaged(long zoneSectors) {
            return new Zoned(1, zoneSectors, 2, 3, zoneSectors, 512, 1, ZoneLie.NONE);
        }

        /** A host-aware device of {@code zoneSectors}-sector zones without conventional zones or limits. */
        public static Zoned hostAware(long zoneSectors) {
            return new Zoned(2, zoneSectors, 0, 0, zoneSectors, 512, 0, ZoneLie.NONE);
        }

        /** These characteristics with another model. */
        public Zoned withModel(int other) {
            return new Zoned(other, zoneSectors, maxOpenZones, maxActiveZones, maxAppendSectors, writeGranularity,
                    conventionalZones, lie);
        }

        /** These characteristics with other limits. */
        public Zoned withLimits(long open, long active, long appendSectors) {
            return new Zoned(model, zoneSectors, open, active, appendSectors, writeGranularity, conventionalZones, lie);
        }

        /** These characteristics with the device breaking the zone rules as {@code other} says. */
        public Zoned withLie(ZoneLie other) {
            return new Zoned(model, zoneSectors, maxOpenZones, maxActiveZones, maxAppendSectors, writeGranularity,
                    conventionalZones, other);
        }
    }

    /** How a zoned fake device breaks the zone rules, to see that a driver notices. */
    public enum ZoneLie {
        /** It keeps them. */
        NONE,
        /** A zone report gives every zone with a write pointer one past the end of its zone. */
        WRITE_POINTER_OUTSIDE_ZONE,
        /** A zone report calls a written zone empty, its write pointer left where the writes put it. */
        EMPTY_ZONE_WITH_DATA,
        /** A zone append answers the first sector of the next zone. */
        APPEND_OUTSIDE_ZONE,
        /** A zone report gives every zone the undefined state 5. */
        UNDEFINED_STATE
    }

    /** The most queues a device can have, QEMU's VIRTIO_QUEUE_MAX. */
    public static final int MAX_QUEUES = 1024;

    public FakeBlkConfig {
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(idString, "idString");
        Objects.requireNonNull(geometry, "geometry");
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(discard, "discard");
        Objects.requireNonNull(writeZeroes, "writeZeroes");
        Objects.requireNonNull(secureErase, "secureErase");
        Objects.requireNonNull(lifetime, "lifetime");
        Objects.requireNonNull(zoned, "zoned");
        Objects.requireNonNull(requestHook, "requestHook");
        if (idString.getBytes(StandardCharsets.US_ASCII).length > VirtioBlk.ID_BYTES) {
            throw new IllegalArgumentException("id string longer than 20 bytes: " + idString);
        }
        if (queueNumMax < 0 || queueNumMax > 0xffff) {
            throw new IllegalArgumentException("QueueNumMax must be 0 to 65535: " + queueNumMax);
        }
        if (numQueues < 1 || numQueues > MAX_QUEUES) {
            throw new IllegalArgumentException("a device has 1 to " + MAX_QUEUES + " queues: " + numQueues);
        }
        if (readOnly) {
            features |= VirtioBlk.bit(VirtioBlk.F_RO);
        }
    }

    /** A builder with QEMU 7.2's defaults over a 1 MiB in-memory disk. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.disk = disk;
        b.readOnly = readOnly;
        b.features = features;
        b.idString = idString;
        b.queueNumMax = queueNumMax;
        b.numQueues = numQueues;
        b.sizeMax = sizeMax;
        b.segMax = segMax;
        b.geometry = geometry;
        b.blkSize = blkSize;
        b.topology = topology;
        b.writeback = writeback;
        b.discard = discard;
        b.writeZeroes = writeZeroes;
        b.secureErase = secureErase;
        b.lifetime = lifetime;
        b.zoned = zoned;
        b.requireAccessPlatform = requiresAccessPlatform;
        b.requestHook = requestHook;
        return b;
    }

    /** Collects a {@link FakeBlkConfig}; every setter is optional. */
    public static final class Builder {
        private DiskBacking disk;
        private boolean readOnly;
        private long features = VirtioBlk.QEMU_DEFAULT_FEATURES;
        private String idString = "vblk-fake";
        private int queueNumMax = 256;
        private int numQueues = 1;
        /** Whether VIRTIO_BLK_F_MQ is offered; null: when the features hold it or there is more than one queue. */
        private Boolean offerMultiQueue;
        /** Whether an offered ACCESS_PLATFORM must be accepted. */
        private boolean requireAccessPlatform;
        private long sizeMax;
        private long segMax = 254;
        private Geometry geometry;
        private long blkSize = 512;
        private Topology topology = new Topology(0, 0, 0, 0);
        private int writeback = 1;
        private DiscardLimits discard = new DiscardLimits(0x3fffff, 1, 1);
        private WriteZeroesLimits writeZeroes = new WriteZeroesLimits(0x3fffff, 1, true);
        private SecureEraseLimits secureErase = new SecureEraseLimits(0x3fffff, 1, 1);
        private Lifetime lifetime = new Lifetime(1, 1, 1);
        private Zoned zoned = Zoned.NONE;
        private RequestHook requestHook = RequestHook.NORMAL;

        private Builder() {}

        public Builder disk(DiskBacking disk) {
            this.disk = disk;
            return this;
        }

        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /** The offered feature bits (F_RO is added when read-only). */
        public Builder features(long features) {
            this.features = features;
            return this;
        }

        /** Whether VIRTIO_F_INDIRECT_DESC is offered (it is by default, as QEMU does). */
        public Builder offerIndirectDescriptors(boolean offer) {
            return offer(VirtioBlk.F_INDIRECT_DESC, offer);
        }

        /** Whether VIRTIO_F_EVENT_IDX is offered (it is by default, as QEMU does). */
        public Builder offerEventIndex(boolean offer) {
            return offer(VirtioBlk.F_EVENT_IDX, offer);
        }

        /** Whether VIRTIO_BLK_F_SECURE_ERASE is offered (it is not by default: QEMU 7.2 does not offer it). */
        public Builder offerSecureErase(boolean offer) {
            return offer(VirtioBlk.F_SECURE_ERASE, offer);
        }

        /** Whether VIRTIO_BLK_F_LIFETIME is offered (it is not by default: QEMU 7.2 does not offer it). */
        public Builder offerLifetime(boolean offer) {
            return offer(VirtioBlk.F_LIFETIME, offer);
        }

        /**
         * Whether VIRTIO_F_ACCESS_PLATFORM is offered and required (it is not by default, as QEMU
         * without iommu_platform=on): a driver must then accept it, and the device reaches only what
         * the driver maps in the machine's {@code DmaWindows} ({@code FakePlatform.dmaMapping()}). A feature word holding the bit
         * ({@link #features}) offers it without requiring it: a driver that declines it is served by
         * guest-physical address.
         */
        public Builder offerAccessPlatform(boolean offer) {
            this.requireAccessPlatform = offer;
            return offer(VirtioBlk.F_ACCESS_PLATFORM, offer);
        }

        /** Whether VIRTIO_F_RING_PACKED is offered (it is not by default, as QEMU without packed=on). */
        public Builder offerPackedRing(boolean offer) {
            return offer(VirtioBlk.F_RING_PACKED, offer);
        }

        /**
         * Whether VIRTIO_F_IN_ORDER is offered (it is not by default, as QEMU 7.2 does not): with it
         * negotiated the device completes requests in the order they were made available and writes
         * one used entry for each batch it completes together.
         */
        public Builder offerInOrder(boolean offer) {
            return offer(VirtioBlk.F_IN_ORDER, offer);
        }

        /**
         * Whether VIRTIO_F_NOTIFICATION_DATA is offered (it is not by default, as QEMU 7.2 does not): with
         * it negotiated every notification must carry the queue's next available position, which the
         * device checks.
         */
        public Builder offerNotificationData(boolean offer) {
            return offer(VirtioBlk.F_NOTIFICATION_DATA, offer);
        }

        private Builder offer(int feature, boolean offer) {
            features = offer ? features | VirtioBlk.bit(feature) : features & ~VirtioBlk.bit(feature);
            return this;
        }

        public Builder idString(String idString) {
            this.idString = idString;
            return this;
        }

        public Builder queueNumMax(int queueNumMax) {
            this.queueNumMax = queueNumMax;
            return this;
        }

        /**
         * How many virtqueues the device has (default 1). Unless {@link #offerMultiQueue} says
         * otherwise, VIRTIO_BLK_F_MQ is offered when there is more than one, as QEMU does (or when
         * {@link #features} hold it).
         */
        public Builder numQueues(int numQueues) {
            this.numQueues = numQueues;
            return this;
        }

        /**
         * Whether VIRTIO_BLK_F_MQ is offered whatever the number of queues: {@code true} with one
         * queue offers MQ with num_queues 1, as the spec allows.
         */
        public Builder offerMultiQueue(boolean offer) {
            this.offerMultiQueue = offer;
            return this;
        }

        public Builder sizeMax(long sizeMax) {
            this.sizeMax = sizeMax;
            return this;
        }

        public Builder segMax(long segMax) {
            this.segMax = segMax;
            return this;
        }

        /** The geometry; by default 16 heads, 63 sectors and as many cylinders as the disk fills. */
        public Builder geometry(Geometry geometry) {
            this.geometry = geometry;
            return this;
        }

        public Builder blkSize(long blkSize) {
            this.blkSize = blkSize;
            return this;
        }

        public Builder topology(Topology topology) {
            this.topology = topology;
            return this;
        }

        public Builder writeback(int writeback) {
            this.writeback = writeback;
            return this;
        }

        public Builder discard(DiscardLimits discard) {
            this.discard = discard;
            return this;
        }

        public Builder writeZeroes(WriteZeroesLimits writeZeroes) {
            this.writeZeroes = writeZeroes;
            return this;
        }

        /** The secure-erase limits (default 0x3fffff sectors, one segment, alignment 1). */
        public Builder secureErase(SecureEraseLimits secureErase) {
            this.secureErase = secureErase;
            return this;
        }

        /** The GET_LIFETIME answer (default: normal, 0-10% of the lifetime used for both cell types). */
        public Builder lifetime(Lifetime lifetime) {
            this.lifetime = lifetime;
            return this;
        }

        /**
         * A zoned device: VIRTIO_BLK_F_ZONED offered with these characteristics ({@link Zoned#NONE}:
         * not offered; QEMU 7.2 does not offer it).
         */
        public Builder zoned(Zoned zoned) {
            this.zoned = zoned;
            return offer(VirtioBlk.F_ZONED, zoned != Zoned.NONE);
        }

        public Builder requestHook(RequestHook requestHook) {
            this.requestHook = requestHook;
            return this;
        }

        public FakeBlkConfig build() {
            DiskBacking d = disk != null ? disk : new InMemoryDisk(1 << 20);
            Geometry g = geometry;
            if (g == null) {
                long cylinders = d.sizeBytes() / VirtioBlk.SECTOR_SIZE / (16 * 63);
                g = new Geometry((int) Math.min(Math.max(cylinders, 1), 0xffff), 16, 63);
            }
            boolean multiQueue = offerMultiQueue != null ? offerMultiQueue
                    : numQueues > 1 || (features & VirtioBlk.bit(VirtioBlk.F_MQ)) != 0;
            long offered = multiQueue ? features | VirtioBlk.bit(VirtioBlk.F_MQ) : features & ~VirtioBlk.bit(VirtioBlk.F_MQ);
            boolean requiresAccessPlatform = requireAccessPlatform
                    && (offered & VirtioBlk.bit(VirtioBlk.F_ACCESS_PLATFORM)) != 0;
            return new FakeBlkConfig(d, readOnly, offered, idString, queueNumMax, numQueues, sizeMax, segMax, g,
                    blkSize, topology, writeback, discard, writeZeroes, secureErase, lifetime, zoned,
                    requiresAccessPlatform, requestHook);
        }
    }
}
