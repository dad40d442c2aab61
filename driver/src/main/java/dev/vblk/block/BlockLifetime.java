package dev.vblk.block;

import dev.vblk.platform.LittleEndian;

/**
 * The wear report of a device (virtio-blk GET_LIFETIME, VirtIO 1.2 struct virtio_blk_lifetime), as
 * the device gave it. Values the specification reserves are kept as they are, not refused or
 * clamped, as Linux passes them on: {@link #withinSpecification()} says whether every field holds a
 * defined value.
 *
 * @param preEolInfo pre_eol_info: 0 undefined, 1 normal (under 80% of the reserved blocks consumed),
 *     2 warning (80%), 3 urgent (90%); above 3 reserved
 * @param lifetimeEstimateA device_lifetime_est_typ_a, the wear of SLC cells: 0 undefined, 1 to 10 for
 *     0-10% to 90-100% of the estimated lifetime used, 11 exceeded; above 11 reserved
 * @param lifetimeEstimateB device_lifetime_est_typ_b, the wear of MLC cells, in the same units
 */
public record BlockLifetime(int preEolInfo, int lifetimeEstimateA, int lifetimeEstimateB) {

    /** The largest defined pre_eol_info (urgent). */
    public static final int PRE_EOL_URGENT = 3;
    /** The largest defined lifetime estimate (estimated lifetime exceeded). */
    public static final int ESTIMATE_EXCEEDED = 11;

    public BlockLifetime {
        if (preEolInfo < 0 || preEolInfo > 0xffff || lifetimeEstimateA < 0 || lifetimeEstimateA > 0xffff
                || lifetimeEstimateB < 0 || lifetimeEstimateB > 0xffff) {
            throw new IllegalArgumentException("lifetime fields are le16: " + preEolInfo + ", " + lifetimeEstimateA
                    + ", " + lifetimeEstimateB);
        }
    }

    /** The report a GET_LIFETIME buffer of {@link AsyncBlockDevice#LIFETIME_BYTES} holds: three le16 fields. */
    public static BlockLifetime of(byte[] buffer) {
        return new BlockLifetime((int) LittleEndian.get(buffer, 0, 2), (int) LittleEndian.get(buffer, 2, 2),
                (int) LittleEndian.get(buffer, 4, 2));
    }

    /** The report as the device writes it: three le16 fields, {@link AsyncBlockDevice#LIFETIME_BYTES} bytes. */
    public byte[] toBytes() {
        byte[] bytes = new byte[AsyncBlockDevice.LIFETIME_BYTES];
        LittleEndian.put(bytes, 0, 2, preEolInfo);
        LittleEndian.put(bytes, 2, 2, lifetimeEstimateA);
        LittleEndian.put(bytes, 4, 2, lifetimeEstimateB);
        return bytes;
    }

    /** Whether every field holds a value the specification defines (none reserved). */
    public boolean withinSpecification() {
        return preEolInfo <= PRE_EOL_URGENT && lifetimeEstimateA <= ESTIMATE_EXCEEDED
                && lifetimeEstimateB <= ESTIMATE_EXCEEDED;
    }
}
