package dev.vblk.replay;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.platform.LittleEndian;
import dev.vblk.trace.TraceEvent;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.VirtioBlkConfig;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a trace shows of one device's registers, as the device answered them the first time the
 * driver read them: identity (MagicValue, Version, DeviceID, VendorID), the offered feature pages,
 * QueueNumMax of queue 0 and the configuration space bytes read.
 *
 * @param slot the MMIO slot
 * @param identity MagicValue, Version, DeviceID and VendorID by register offset, as far as read
 * @param featurePages DeviceFeatures by the page selected when read
 * @param queueNumMax QueueNumMax of queue 0, if read
 * @param config configuration space bytes by offset (from 0), as far as read
 */
public record DeviceProfile(
        int slot,
        SortedMap<Integer, Long> identity,
        SortedMap<Integer, Long> featurePages,
        OptionalLong queueNumMax,
        SortedMap<Integer, Byte> config) {

    public DeviceProfile {
        identity = new TreeMap<>(identity);
        featurePages = new TreeMap<>(featurePages);
        config = new TreeMap<>(config);
    }

    /** The profiles of every slot the trace reads, by slot. */
    public static SortedMap<Integer, DeviceProfile> fromTrace(Iterable<TraceEvent> events, MmioWindow window) {
        Map<Integer, Builder> builders = new TreeMap<>();
        for (TraceEvent event : events) {
            if (event instanceof TraceEvent.RegisterWrite write && inWindow(window, write.address())) {
                Builder builder = builders.computeIfAbsent(slotOf(window, write.address()), Builder::new);
                int offset = offsetOf(window, write.address());
                if (offset == MmioRegister.DEVICE_FEATURES_SEL.offset()) {
                    builder.featureSelect = write.value();
                } else if (offset == MmioRegister.QUEUE_SEL.offset()) {
                    builder.queueSelect = write.value();
                }
            } else if (event instanceof TraceEvent.RegisterRead read && inWindow(window, read.address())) {
                builders.computeIfAbsent(slotOf(window, read.address()), Builder::new)
                        .read(offsetOf(window, read.address()), read.width().bytes(), read.value());
            }
        }
        SortedMap<Integer, DeviceProfile> profiles = new TreeMap<>();
        builders.forEach((slot, builder) -> profiles.put(slot, builder.build()));
        return profiles;
    }

    /** Whether the trace shows a modern virtio-blk device here. */
    public boolean isBlockDevice() {
        return identity.getOrDefault(MmioRegister.MAGIC_VALUE.offset(), 0L) == MmioRegister.MAGIC
                && identity.getOrDefault(MmioRegister.VERSION.offset(), 0L) == MmioRegister.MODERN_VERSION
                && identity.getOrDefault(MmioRegister.DEVICE_ID.offset(), 0L) == VirtioBlkDevice.DEVICE_TYPE;
    }

    /** Whether the trace shows anything but an empty slot (a MagicValue other than 0). */
    public boolean isOccupied() {
        return identity.getOrDefault(MmioRegister.MAGIC_VALUE.offset(), 0L) != 0;
    }

    /** The offered features: the pages read, pages not read as 0. */
    public long offeredFeatures() {
        return featurePages.getOrDefault(0, 0L) | (featurePages.getOrDefault(1, 0L) << 32);
    }

    /**
     * A fake device configuration answering like this profile: offered features, QueueNumMax and every
     * configuration field read (fields not read keep the fake's defaults; the zoned characteristics of a
     * device offering VIRTIO_BLK_F_ZONED included), an empty in-memory disk of
     * the recorded capacity, and {@code hook} deciding each request.
     */
    public FakeBlkConfig toFakeConfig(RequestHook hook) {
        FakeBlkConfig defaults = FakeBlkConfig.builder().build();
        long features = offeredFeatures();
        FakeBlkConfig.Builder builder = FakeBlkConfig.builder()
                .disk(InMemoryDisk.ofSectors(field(0, 8, 0)))
                .features(features)
                .readOnly((features & (1L << BlkFeatures.RO)) != 0)
                .queueNumMax((int) queueNumMax.orElse(defaults.queueNumMax()))
                .sizeMax(field(8, 4, defaults.sizeMax()))
                .segMax(field(12, 4, defaults.segMax()))
                .geometry(new FakeBlkConfig.Geometry((int) field(16, 2, defaults.geometry().cylinders()),
                        (int) field(18, 1, defaults.geometry().heads()), (int) field(19, 1, defaults.geometry().sectors())))
                .blkSize(field(20, 4, defaults.blkSize()))
                .topology(new FakeBlkConfig.Topology((int) field(24, 1, defaults.topology().physicalBlockExp()),
                        (int) field(25, 1, defaults.topology().alignmentOffset()),
                        (int) field(26, 2, defaults.topology().minIoSize()), field(28, 4, defaults.topology().optIoSize())))
                .writeback((int) field(32, 1, defaults.writeback()))
                .numQueues((int) Math.max(1, Math.min(FakeBlkConfig.MAX_QUEUES, field(34, 2, defaults.numQueues()))))
                .discard(new FakeBlkConfig.DiscardLimits(field(36, 4, defaults.discard().maxSectors()),
                        field(40, 4, defaults.discard().maxSegments()), field(44, 4, defaults.discard().sectorAlignment())))
                .writeZeroes(new FakeBlkConfig.WriteZeroesLimits(field(48, 4, defaults.writeZeroes().maxSectors()),
                        field(52, 4, defaults.writeZeroes().maxSegments()),
                        field(56, 1, defaults.writeZeroes().mayUnmap() ? 1 : 0) != 0))
                .secureErase(new FakeBlkConfig.SecureEraseLimits(field(60, 4, defaults.secureErase().maxSectors()),
                        field(64, 4, defaults.secureErase().maxSegments()),
                        field(68, 4, defaults.secureErase().sectorAlignment())))
                .requestHook(hook);
        if ((features & (1L << BlkFeatures.ZONED)) != 0) {
            builder.zoned(zoned());
        }
        return builder.build();
    }

    /**
     * The zoned characteristics read (VirtIO 1.2 section 5.2.4, fields not read as 0), the rest of
     * the fake's zone layout its defaults: the requests are answered from the trace, not by its zones.
     */
    private FakeBlkConfig.Zoned zoned() {
        return new FakeBlkConfig.Zoned((int) field(VirtioBlkConfig.ZONED_MODEL, 1, 0), field(VirtioBlkConfig.ZONE_SECTORS, 4, 0),
                field(VirtioBlkConfig.MAX_OPEN_ZONES, 4, 0), field(VirtioBlkConfig.MAX_ACTIVE_ZONES, 4, 0),
                field(VirtioBlkConfig.MAX_APPEND_SECTORS, 4, 0), field(VirtioBlkConfig.WRITE_GRANULARITY, 4, 0), 0,
                FakeBlkConfig.ZoneLie.NONE);
    }

    /** A little-endian configuration field when all its bytes were read, else {@code fallback}. */
    private long field(int offset, int size, long fallback) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            Byte value = config.get(offset + i);
            if (value == null) {
                return fallback;
            }
            bytes[i] = value;
        }
        return LittleEndian.get(bytes, 0, size);
    }

    private static boolean inWindow(MmioWindow window, long address) {
        return address >= window.baseAddress() && address < window.endAddress();
    }

    private static int slotOf(MmioWindow window, long address) {
        return (int) ((address - window.baseAddress()) / window.slotSize());
    }

    private static int offsetOf(MmioWindow window, long address) {
        return (int) ((address - window.baseAddress()) % window.slotSize());
    }

    /** Collects the first answer to each read. */
    private static final class Builder {
        final int slot;
        final SortedMap<Integer, Long> identity = new TreeMap<>();
        final SortedMap<Integer, Long> featurePages = new TreeMap<>();
        final SortedMap<Integer, Byte> config = new TreeMap<>();
        OptionalLong queueNumMax = OptionalLong.empty();
        long featureSelect;
        long queueSelect;

        Builder(int slot) {
            this.slot = slot;
        }

        void read(int offset, int width, long value) {
            if (offset >= MmioRegister.CONFIG_SPACE_OFFSET) {
                byte[] bytes = LittleEndian.bytes(value, width);
                for (int i = 0; i < width; i++) {
                    config.putIfAbsent(offset - MmioRegister.CONFIG_SPACE_OFFSET + i, bytes[i]);
                }
            } else if (offset == MmioRegister.MAGIC_VALUE.offset() || offset == MmioRegister.VERSION.offset()
                    || offset == MmioRegister.DEVICE_ID.offset() || offset == MmioRegister.VENDOR_ID.offset()) {
                identity.putIfAbsent(offset, value);
            } else if (offset == MmioRegister.DEVICE_FEATURES.offset() && featureSelect <= 1) {
                featurePages.putIfAbsent((int) featureSelect, value & 0xffff_ffffL);
            } else if (offset == MmioRegister.QUEUE_NUM_MAX.offset() && queueSelect == 0 && queueNumMax.isEmpty()) {
                queueNumMax = OptionalLong.of(value);
            }
        }

        DeviceProfile build() {
            return new DeviceProfile(slot, identity, featurePages, queueNumMax, config);
        }
    }
}
