package dev.vblk.replay;

import dev.vblk.platform.LittleEndian;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/** What a trace tells about guest memory: bytes the driver wrote or read back, zeros elsewhere. */
final class GuestMemoryImage {

    private static final int PAGE = 4096;

    private final Map<Long, byte[]> pages = new HashMap<>();

    void write(long address, byte[] data) {
        for (int done = 0; done < data.length; ) {
            long at = address + done;
            int inPage = (int) Math.floorMod(at, (long) PAGE);
            int part = Math.min(data.length - done, PAGE - inPage);
            System.arraycopy(data, done, pages.computeIfAbsent(Math.floorDiv(at, PAGE), n -> new byte[PAGE]), inPage, part);
            done += part;
        }
    }

    void zero(long address, long length) {
        for (long done = 0; done < length; ) {
            long at = address + done;
            int inPage = (int) Math.floorMod(at, (long) PAGE);
            int part = (int) Math.min(length - done, PAGE - inPage);
            byte[] page = pages.get(Math.floorDiv(at, PAGE));
            if (page != null) {
                Arrays.fill(page, inPage, inPage + part, (byte) 0);
            }
            done += part;
        }
    }

    byte[] read(long address, int length) {
        byte[] out = new byte[length];
        for (int done = 0; done < length; ) {
            long at = address + done;
            int inPage = (int) Math.floorMod(at, (long) PAGE);
            int part = Math.min(length - done, PAGE - inPage);
            byte[] page = pages.get(Math.floorDiv(at, PAGE));
            if (page != null) {
                System.arraycopy(page, inPage, out, done, part);
            }
            done += part;
        }
        return out;
    }

    long little(long address, int size) {
        return LittleEndian.get(read(address, size), 0, size);
    }
}
