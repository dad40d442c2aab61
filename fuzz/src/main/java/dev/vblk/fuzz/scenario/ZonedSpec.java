package dev.vblk.fuzz.scenario;

import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.virtio.blk.DriverOptions;

/**
 * A zoned device in a scenario (VirtIO 1.2 VIRTIO_BLK_F_ZONED): its model, zone size and limits, how
 * many zones it has, and how it breaks the zone rules. The driver is allowed ZONED whenever the device
 * is zoned. The first zone is conventional (so the recovery's round trip has a sector it may write
 * anywhere), the others sequential-write-required (host-managed) or preferred (host-aware).
 *
 * @param model 1 (host-managed) or 2 (host-aware); 0 with {@link #NONE}
 * @param zoneSectors zone_sectors
 * @param zones how many zones the device has; its capacity is that many zones
 * @param maxOpenZones max_open_zones, 0 for no limit
 * @param maxActiveZones max_active_zones, 0 for no limit
 * @param maxAppendSectors max_append_sectors, 0 for no zone append
 * @param lie how the device breaks the zone rules
 */
public record ZonedSpec(int model, long zoneSectors, int zones, long maxOpenZones, long maxActiveZones,
        long maxAppendSectors, FakeBlkConfig.ZoneLie lie) {

    /** Not zoned: every scenario made before the family. */
    public static final ZonedSpec NONE = new ZonedSpec(0, 0, 0, 0, 0, 0, FakeBlkConfig.ZoneLie.NONE);

    /** The zones at the start that are conventional. */
    public static final int CONVENTIONAL_ZONES = 1;
    /** write_granularity: one sector. */
    public static final long WRITE_GRANULARITY = 512;

    /** Whether the device is zoned at all. */
    public boolean zoned() {
        return this != NONE && !equals(NONE);
    }

    /** The device's capacity in sectors: its zones. */
    public long capacitySectors() {
        return zoneSectors * zones;
    }

    /** The zone characteristics the fake device gives and keeps. */
    public FakeBlkConfig.Zoned characteristics() {
        return new FakeBlkConfig.Zoned(model, zoneSectors, maxOpenZones, maxActiveZones, maxAppendSectors,
                WRITE_GRANULARITY, CONVENTIONAL_ZONES, lie);
    }

    /**
     * Whether the device may tell its zone lie in answering a request of {@code type}: an append of a
     * device that answers appends outside their zone, a report of one that lies in its reports.
     */
    public boolean liesAnswering(int type) {
        return lie == FakeBlkConfig.ZoneLie.APPEND_OUTSIDE_ZONE ? type == VirtioBlk.T_ZONE_APPEND
                : lie != FakeBlkConfig.ZoneLie.NONE && type == VirtioBlk.T_ZONE_REPORT;
    }

    /** The fake device's configuration {@code config}, zoned if the scenario says so. */
    public FakeBlkConfig applyTo(FakeBlkConfig config) {
        return zoned() ? config.toBuilder().zoned(characteristics()).build() : config;
    }

    /** {@code options} with ZONED allowed when the device is zoned. */
    public DriverOptions applyTo(DriverOptions options) {
        return zoned() ? options.withZoned(true) : options;
    }

    @Override
    public String toString() {
        return String.format("%s, %d zones of %d sectors, max open %d, max active %d, max append %d%s",
                model == 1 ? "host-managed" : model == 2 ? "host-aware" : "model " + model, zones, zoneSectors,
                maxOpenZones, maxActiveZones, maxAppendSectors, lie == FakeBlkConfig.ZoneLie.NONE ? "" : ", lie " + lie);
    }
}
