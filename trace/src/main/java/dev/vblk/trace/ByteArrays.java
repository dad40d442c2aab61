package dev.vblk.trace;

import java.util.HexFormat;

/** Short renderings of byte arrays for {@code toString}. */
final class ByteArrays {
    private static final int PREVIEW = 16;

    private ByteArrays() {}

    static String preview(byte[] data) {
        String hex = HexFormat.of().formatHex(data, 0, Math.min(data.length, PREVIEW));
        return data.length + " bytes " + hex + (data.length > PREVIEW ? "..." : "");
    }
}
