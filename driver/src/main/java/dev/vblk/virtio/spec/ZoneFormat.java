package dev.vblk.virtio.spec;

import dev.vblk.block.ZoneDescriptor;
import dev.vblk.block.ZoneState;
import dev.vblk.block.ZoneType;
import dev.vblk.block.ZonedModel;
import dev.vblk.platform.LittleEndian;
import java.util.List;
import java.util.Optional;

/**
 * The zoned block device structures of VirtIO 1.2 section 5.2 (VIRTIO_BLK_F_ZONED), as Linux's
 * {@code include/uapi/linux/virtio_blk.h} lays them out: the zone report a ZONE_REPORT request has
 * the device write, its descriptors, and the codes of models, zone types and zone states.
 *
 * <pre>
 *   report header     le64 nr_zones | u8 reserved[56]                              (64 bytes)
 *   zone descriptor   le64 z_cap | le64 z_start | le64 z_wp | u8 z_type | u8 z_state
 *                     | u8 reserved[38]                                            (64 bytes)
 * </pre>
 */
public final class ZoneFormat {

    /** Bytes of the report header. */
    public static final int REPORT_HEADER_BYTES = 64;
    /** Bytes of one zone descriptor. */
    public static final int DESCRIPTOR_BYTES = 64;
    /** Offsets within a descriptor. */
    public static final int CAPACITY_OFFSET = 0;
    public static final int START_OFFSET = 8;
    public static final int WRITE_POINTER_OFFSET = 16;
    public static final int TYPE_OFFSET = 24;
    public static final int STATE_OFFSET = 25;

    /** Zoned models (the model field of struct virtio_blk_zoned_characteristics). */
    public static final int Z_NONE = 0;
    public static final int Z_HM = 1;
    public static final int Z_HA = 2;

    /** Zone types. */
    public static final int ZT_CONV = 1;
    public static final int ZT_SWR = 2;
    public static final int ZT_SWP = 3;

    /** Zone states. */
    public static final int ZS_NOT_WP = 0;
    public static final int ZS_EMPTY = 1;
    public static final int ZS_IOPEN = 2;
    public static final int ZS_EOPEN = 3;
    public static final int ZS_CLOSED = 4;
    public static final int ZS_RDONLY = 13;
    public static final int ZS_FULL = 14;
    public static final int ZS_OFFLINE = 15;

    private ZoneFormat() {}

    /** The model a code names, or empty for a code the specification does not define. */
    public static Optional<ZonedModel> model(int code) {
        return Optional.ofNullable(switch (code) {
            case Z_NONE -> ZonedModel.NONE;
            case Z_HM -> ZonedModel.HOST_MANAGED;
            case Z_HA -> ZonedModel.HOST_AWARE;
            default -> null;
        });
    }

    /** The zone type a code names, or empty. */
    public static Optional<ZoneType> type(int code) {
        return Optional.ofNullable(switch (code) {
            case ZT_CONV -> ZoneType.CONVENTIONAL;
            case ZT_SWR -> ZoneType.SEQUENTIAL_WRITE_REQUIRED;
            case ZT_SWP -> ZoneType.SEQUENTIAL_WRITE_PREFERRED;
            default -> null;
        });
    }

    /** The zone state a code names, or empty. */
    public static Optional<ZoneState> state(int code) {
        return Optional.ofNullable(switch (code) {
            case ZS_NOT_WP -> ZoneState.NOT_WRITE_POINTER;
            case ZS_EMPTY -> ZoneState.EMPTY;
            case ZS_IOPEN -> ZoneState.IMPLICITLY_OPEN;
            case ZS_EOPEN -> ZoneState.EXPLICITLY_OPEN;
            case ZS_CLOSED -> ZoneState.CLOSED;
            case ZS_RDONLY -> ZoneState.READ_ONLY;
            case ZS_FULL -> ZoneState.FULL;
            case ZS_OFFLINE -> ZoneState.OFFLINE;
            default -> null;
        });
    }

    /** The nr_zones of the report in {@code report}. */
    public static long zoneCount(byte[] report) {
        return LittleEndian.get(report, 0, 8);
    }

    /**
     * Descriptor {@code index} of the report in {@code report}.
     *
     * @throws IllegalArgumentException naming the field when its type or state is not one the
     *     specification defines
     */
    public static ZoneDescriptor descriptor(byte[] report, int index) {
        int at = REPORT_HEADER_BYTES + index * DESCRIPTOR_BYTES;
        int typeCode = report[at + TYPE_OFFSET] & 0xff;
        int stateCode = report[at + STATE_OFFSET] & 0xff;
        ZoneType type = type(typeCode).orElseThrow(() -> new IllegalArgumentException(
                "zone descriptor " + index + " has the undefined z_type " + typeCode));
        ZoneState state = state(stateCode).orElseThrow(() -> new IllegalArgumentException(
                "zone descriptor " + index + " has the undefined z_state " + stateCode));
        return new ZoneDescriptor(LittleEndian.get(report, at + START_OFFSET, 8),
                LittleEndian.get(report, at + CAPACITY_OFFSET, 8), LittleEndian.get(report, at + WRITE_POINTER_OFFSET, 8),
                type, state);
    }

    /** {@code zones} as a report the device writes: the header with their count, then their descriptors. */
    public static byte[] report(List<ZoneDescriptor> zones) {
        byte[] report = new byte[REPORT_HEADER_BYTES + zones.size() * DESCRIPTOR_BYTES];
        LittleEndian.put(report, 0, 8, zones.size());
        for (int i = 0; i < zones.size(); i++) {
            ZoneDescriptor zone = zones.get(i);
            int at = REPORT_HEADER_BYTES + i * DESCRIPTOR_BYTES;
            LittleEndian.put(report, at + CAPACITY_OFFSET, 8, zone.capacity());
            LittleEndian.put(report, at + START_OFFSET, 8, zone.start());
            LittleEndian.put(report, at + WRITE_POINTER_OFFSET, 8, zone.writePointer());
            report[at + TYPE_OFFSET] = (byte) switch (zone.type()) {
                case CONVENTIONAL -> ZT_CONV;
                case SEQUENTIAL_WRITE_REQUIRED -> ZT_SWR;
                case SEQUENTIAL_WRITE_PREFERRED -> ZT_SWP;
            };
            report[at + STATE_OFFSET] = (byte) switch (zone.state()) {
                case NOT_WRITE_POINTER -> ZS_NOT_WP;
                case EMPTY -> ZS_EMPTY;
                case IMPLICITLY_OPEN -> ZS_IOPEN;
                case EXPLICITLY_OPEN -> ZS_EOPEN;
                case CLOSED -> ZS_CLOSED;
                case READ_ONLY -> ZS_RDONLY;
                case FULL -> ZS_FULL;
                case OFFLINE -> ZS_OFFLINE;
            };
        }
        return report;
    }
}
