package dev.vblk.qemu;

/**
 * Guest RAM reached over qtest: {@code b64read}/{@code b64write} in pieces of at most
 * {@link #TRANSFER_CHUNK} bytes, {@code memset} for zeroing. Every access is a round trip to QEMU.
 */
final class QtestGuestMemory implements GuestMemory {

    /** The largest piece of memory moved by one qtest request. */
    static final int TRANSFER_CHUNK = 64 * 1024;

    private final QtestClient qtest;

    QtestGuestMemory(QtestClient qtest) {
        this.qtest = qtest;
    }

    @Override
    public void read(long address, byte[] destination, int offset, int length) {
        for (int done = 0; done < length; done += TRANSFER_CHUNK) {
            int chunk = Math.min(TRANSFER_CHUNK, length - done);
            byte[] data = qtest.b64read(address + done, chunk);
            System.arraycopy(data, 0, destination, offset + done, chunk);
        }
    }

    @Override
    public void write(long address, byte[] source, int offset, int length) {
        for (int done = 0; done < length; done += TRANSFER_CHUNK) {
            qtest.b64write(address + done, source, offset + done, Math.min(TRANSFER_CHUNK, length - done));
        }
    }

    @Override
    public void zero(long address, long length) {
        qtest.memset(address, length, 0);
    }
}
