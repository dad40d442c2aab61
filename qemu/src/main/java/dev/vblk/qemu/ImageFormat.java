package dev.vblk.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

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

    /**
     * The size of the disk a guest sees in an image of this format: a raw file's size, or the
     * virtual size in a qcow2 header.
     *
     * @throws IOException if the file cannot be read, or is not a qcow2 image when it should be
     */
    public long diskBytes(Path image) throws IOException {
        if (this == RAW) {
            return Files.size(image);
        }
        byte[] header = new byte[32];
        try (InputStream in = Files.newInputStream(image)) {
            if (in.readNBytes(header, 0, header.length) < header.length
                    || ByteBuffer.wrap(header).getInt(0) != QCOW2_MAGIC) {
                throw new IOException(image + " is not a qcow2 image (no QFI header)");
            }
        }
        return ByteBuffer.wrap(header).getLong(24);
    }

    /** The first four bytes of a qcow2 image: 'Q', 'F', 'I', 0xfb. */
    private static final int QCOW2_MAGIC = 0x514649fb;
}
