package dev.vblk.qemu;

/**
 * QEMU's version as QMP {@code query-version} reports it.
 *
 * @param major the major version, such as 7
 * @param minor the minor version, such as 2
 * @param micro the micro version, such as 22
 * @param packageName the distribution's package string, possibly empty
 */
public record QmpVersion(int major, int minor, int micro, String packageName) {

    /** The version as {@code major.minor.micro}. */
    @Override
    public String toString() {
        return major + "." + minor + "." + micro;
    }
}
