package dev.vblk.qemu;

/** The format of a disk image file, as QEMU's block layer names it. */
public enum ImageFormat {
    /** A plain byte-for-byte image. */
    RAW("raw"),
    /** QEMU's copy-on-write format ({@code qemu-img create -f qcow2}). */
    QCOW2("qcow2");

    private final String driverName;

    ImageFormat(String driverName) {
        this.driverName = driverName;
    }

    /** The block driver name on QEMU's command line ({@code format=} / {@code driver=}). */
    public String driverName() {
        return driverName;
    }
}
