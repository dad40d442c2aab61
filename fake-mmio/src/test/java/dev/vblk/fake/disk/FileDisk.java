package dev.vblk.fake.disk;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/** A disk backed by a raw image file, read and written through {@link RandomAccessFile}. */
public final class FileDisk implements DiskBacking, Closeable {

    private final Path path;
    private final RandomAccessFile file;

    private FileDisk(Path path, RandomAccessFile file) {
        this.path = path;
        this.file = file;
    }

    /** Opens an existing raw image; {@code writable} false opens it read-only. */
    public static FileDisk open(Path path, boolean writable) {
        try {
            return new FileDisk(path, new RandomAccessFile(path.toFile(), writable ? "rw" : "r"));
        } catch (IOException e) {
            throw new DiskAccessException("cannot open disk image " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long sizeBytes() {
        try {
            return file.length();
        } catch (IOException e) {
            throw failure("size", e);
        }
    }

    @Override
    public void read(long position, byte[] destination, int offset, int length) {
        checkRange(position, length);
        try {
            file.seek(position);
            file.readFully(destination, offset, length);
        } catch (IOException e) {
            throw failure("read of " + length + " bytes at " + position, e);
        }
    }

    @Override
    public void write(long position, byte[] source, int offset, int length) {
        checkRange(position, length);
        try {
            file.seek(position);
            file.write(source, offset, length);
        } catch (IOException e) {
            throw failure("write of " + length + " bytes at " + position, e);
        }
    }

    @Override
    public void discard(long position, long length) {
        checkRange(position, length);
        byte[] zeros = new byte[(int) Math.min(length, 1 << 16)];
        for (long done = 0; done < length; done += zeros.length) {
            write(position + done, zeros, 0, (int) Math.min(zeros.length, length - done));
        }
    }

    @Override
    public void flush() {
        try {
            file.getFD().sync();
        } catch (IOException e) {
            throw failure("flush", e);
        }
    }

    @Override
    public void resize(long newSizeBytes) {
        try {
            file.setLength(newSizeBytes);
        } catch (IOException e) {
            throw failure("resize to " + newSizeBytes + " bytes", e);
        }
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw failure("close", e);
        }
    }

    private DiskAccessException failure(String what, IOException e) {
        return new DiskAccessException("disk image " + path + ": " + what + " failed: " + e.getMessage(), e);
    }
}
