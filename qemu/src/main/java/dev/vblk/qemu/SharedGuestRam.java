package dev.vblk.qemu;

import dev.vblk.platform.LittleEndian;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Guest RAM as a file shared with QEMU ({@code -object memory-backend-file,share=on}) and mapped
 * into this process, so descriptors, rings and data are plain loads and stores while registers and
 * interrupts stay on qtest. Byte {@code x} of the file is guest-physical address {@code base + x}.
 *
 * <p>Ordering with QEMU's I/O thread: every read is followed by an acquire fence and every write is
 * preceded by a release fence, and aligned 2-, 4- and 8-byte accesses are single atomic
 * {@code getAcquire}/{@code setRelease} operations. So a driver that reads the used index and then
 * the used element and data sees them at least as new as the index, and the descriptors it wrote
 * are visible before the available index that publishes them. (The full fence before the register
 * write that notifies the device is {@link QemuPlatform}'s part.)
 *
 * <p>Lifecycle: the file is created in {@code /dev/shm} under a name holding this process's pid and
 * a random part, {@link #unlink() unlinked} as soon as QEMU has it open (both mappings stay valid),
 * and on {@link #close()} the mapping is released and the file deleted if it is still there. Files
 * that a killed process left behind are removed by the next {@link #create} whose pid check finds
 * their owner gone. After {@code close} every access fails instead of touching unmapped memory.
 * A file that a QEMU the user started already uses ({@link #attach}) is only mapped: closing releases
 * the mapping and leaves the file.
 */
final class SharedGuestRam implements GuestMemory, AutoCloseable {

    /** Where the files are made: a RAM-backed file system. */
    static final Path DIRECTORY = Path.of("/dev/shm");

    /** The largest guest RAM one mapping holds. */
    static final long MAX_BYTES = Integer.MAX_VALUE & ~((1L << 20) - 1);

    /** File names: {@code vblk-ram-<owner pid>-<random hex>}. */
    static final Pattern FILE_NAME = Pattern.compile("vblk-ram-(\\d+)-[0-9a-f]+");

    private static final VarHandle U16 = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U32 = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] ZEROS = new byte[64 * 1024];

    private final Path file;
    private final long base;
    private final boolean owned;
    private MappedByteBuffer mapping;

    private SharedGuestRam(Path file, long base, MappedByteBuffer mapping, boolean owned) {
        this.file = file;
        this.base = base;
        this.mapping = mapping;
        this.owned = owned;
    }

    /**
     * Maps the whole of an existing file, the RAM backend of a QEMU someone else started, for guest
     * RAM at {@code base}; the file is never deleted.
     *
     * @throws QemuException if the file cannot be mapped, is empty or is larger than {@link #MAX_BYTES}
     */
    static SharedGuestRam attach(Path file, long base) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long bytes = channel.size();
            if (bytes <= 0 || bytes > MAX_BYTES) {
                throw new QemuException("shared guest RAM " + file + " is " + bytes + " bytes; it must be 1 byte to "
                        + MAX_BYTES + " bytes");
            }
            return new SharedGuestRam(file, base, channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes), false);
        } catch (IOException e) {
            throw new QemuException("cannot map shared guest RAM " + file + ": " + e, e);
        }
    }

    /** The size of the mapping in bytes. */
    long size() {
        return mapping.capacity();
    }

    /**
     * Creates and maps a zeroed file of {@code bytes} in {@link #DIRECTORY} for guest RAM at
     * {@code base}, first removing files whose owning process has ended.
     *
     * @throws QemuException if the file cannot be created or mapped
     */
    static SharedGuestRam create(long base, long bytes) {
        return create(DIRECTORY, base, bytes);
    }

    /** As {@link #create(long, long)}, in {@code directory}. */
    static SharedGuestRam create(Path directory, long base, long bytes) {
        if (bytes <= 0 || bytes > MAX_BYTES) {
            throw new IllegalArgumentException("shared guest RAM must be 1 byte to " + MAX_BYTES + " bytes, not " + bytes);
        }
        removeStale(directory);
        Path file = directory.resolve("vblk-ram-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1));
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                MappedByteBuffer mapping = channel.map(FileChannel.MapMode.READ_WRITE, 0, bytes);
                return new SharedGuestRam(file, base, mapping, true);
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(file);
            throw new QemuException("cannot create shared guest RAM " + file + " (" + (bytes >> 20) + " MiB): " + e, e);
        }
    }

    /**
     * Deletes the files in {@code directory} named like ours whose owning process is no longer
     * running, and returns how many it deleted. Files it cannot delete are left alone.
     */
    static int removeStale(Path directory) {
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "vblk-ram-*")) {
            for (Path candidate : files) {
                Matcher name = FILE_NAME.matcher(candidate.getFileName().toString());
                if (name.matches() && !running(name.group(1)) && deleteQuietly(candidate)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            // An unreadable directory holds nothing we could remove; creating our file reports the problem.
        }
        return removed;
    }

    private static boolean running(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true;
        }
    }

    /** The file QEMU is to map: {@code mem-path} of its memory backend. */
    Path file() {
        return file;
    }

    /** Removes the file's name once QEMU has it open; the memory lives on in both mappings. Idempotent. */
    void unlink() {
        deleteQuietly(file);
    }

    @Override
    public synchronized void read(long address, byte[] destination, int offset, int length) {
        ByteBuffer memory = open();
        int index = index(address);
        if (length == 2 && (index & 1) == 0) {
            LittleEndian.put(destination, offset, 2, (short) U16.getAcquire(memory, index));
        } else if (length == 4 && (index & 3) == 0) {
            LittleEndian.put(destination, offset, 4, (int) U32.getAcquire(memory, index));
        } else if (length == 8 && (index & 7) == 0) {
            LittleEndian.put(destination, offset, 8, (long) U64.getAcquire(memory, index));
        } else {
            memory.get(index, destination, offset, length);
            VarHandle.acquireFence();
        }
    }

    @Override
    public synchronized void write(long address, byte[] source, int offset, int length) {
        ByteBuffer memory = open();
        int index = index(address);
        if (length == 2 && (index & 1) == 0) {
            U16.setRelease(memory, index, (short) LittleEndian.get(source, offset, 2));
        } else if (length == 4 && (index & 3) == 0) {
            U32.setRelease(memory, index, (int) LittleEndian.get(source, offset, 4));
        } else if (length == 8 && (index & 7) == 0) {
            U64.setRelease(memory, index, LittleEndian.get(source, offset, 8));
        } else {
            VarHandle.releaseFence();
            memory.put(index, source, offset, length);
        }
    }

    @Override
    public synchronized void zero(long address, long length) {
        ByteBuffer memory = open();
        int index = index(address);
        VarHandle.releaseFence();
        for (long done = 0; done < length; done += ZEROS.length) {
            memory.put(index + (int) done, ZEROS, 0, (int) Math.min(ZEROS.length, length - done));
        }
    }

    private ByteBuffer open() {
        if (mapping == null) {
            throw new QemuException("shared guest RAM " + file + " is closed: the machine has ended");
        }
        return mapping;
    }

    private int index(long address) {
        return (int) (address - base);
    }

    /** Releases the mapping and deletes the file if it is still there and this process made it. Idempotent. */
    @Override
    public synchronized void close() {
        if (mapping != null) {
            unmap(mapping);
            mapping = null;
        }
        if (owned) {
            deleteQuietly(file);
        }
    }

    /**
     * Unmaps at once with {@code sun.misc.Unsafe.invokeCleaner}, the JDK's supported way for direct
     * buffers (module {@code jdk.unsupported}); if that is unavailable the garbage collector unmaps
     * the buffer once it is unreachable.
     */
    private static void unmap(MappedByteBuffer buffer) {
        try {
            Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
            Field theUnsafe = unsafeClass.getDeclaredField("theUnsafe");
            theUnsafe.setAccessible(true);
            Method invokeCleaner = unsafeClass.getMethod("invokeCleaner", ByteBuffer.class);
            invokeCleaner.invoke(theUnsafe.get(null), buffer);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // Left to the garbage collector.
        }
    }

    private static boolean deleteQuietly(Path path) {
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            return false;
        }
    }
}
