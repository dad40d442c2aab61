package dev.vblk.qemu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared-RAM file and its mapping, without QEMU: the file is what another process maps. */
class SharedGuestRamTest {

    private static final long BASE = 0x4000_0000L;
    private static final long BYTES = 1L << 20;

    @TempDir
    Path directory;

    @Test
    void fileIsNamedForThisProcessAndSizedAsTheRam() throws IOException {
        try (SharedGuestRam ram = SharedGuestRam.create(directory, BASE, BYTES)) {
            String name = ram.file().getFileName().toString();
            assertTrue(name.startsWith("vblk-ram-" + ProcessHandle.current().pid() + "-"), name);
            assertTrue(SharedGuestRam.FILE_NAME.matcher(name).matches(), name);
            assertEquals(BYTES, Files.size(ram.file()));
            try (SharedGuestRam other = SharedGuestRam.create(directory, BASE, BYTES)) {
                assertFalse(other.file().equals(ram.file()), "every machine has its own file");
            }
        }
    }

    @Test
    void writesReachTheFileAtTheirOffsetFromTheBase() throws IOException {
        try (SharedGuestRam ram = SharedGuestRam.create(directory, BASE, BYTES)) {
            ram.write(BASE + 0x1002, new byte[] {(byte) 0x88, 0x77}, 0, 2);
            ram.write(BASE + 0x1004, new byte[] {9, 0x44, 0x33, 0x22, 0x11}, 1, 4);
            ram.write(BASE + 0x1008, new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 0, 8);
            ram.write(BASE + 0x1011, new byte[] {(byte) 0xaa, (byte) 0xbb, (byte) 0xcc}, 0, 3);
            byte[] inFile = readFile(ram.file(), 0x1000, 0x18);
            assertArrayEquals(new byte[] {0, 0, (byte) 0x88, 0x77, 0x44, 0x33, 0x22, 0x11, 1, 2, 3, 4, 5, 6, 7, 8,
                    0, (byte) 0xaa, (byte) 0xbb, (byte) 0xcc, 0, 0, 0, 0}, inFile);
        }
    }

    @Test
    void readsSeeWhatAnotherMappingWrote() throws IOException {
        try (SharedGuestRam ram = SharedGuestRam.create(directory, BASE, BYTES)) {
            byte[] pattern = new byte[70_000];
            for (int i = 0; i < pattern.length; i++) {
                pattern[i] = (byte) (i * 7 + 3);
            }
            try (FileChannel channel = FileChannel.open(ram.file(), StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(pattern), 0x2000);
            }
            for (int[] range : new int[][] {{0, 2}, {2, 2}, {4, 4}, {8, 8}, {1, 2}, {3, 4}, {5, 8}, {0, 1}, {11, 70_000 - 11}}) {
                byte[] read = new byte[range[1] + 2];
                ram.read(BASE + 0x2000 + range[0], read, 1, range[1]);
                assertArrayEquals(Arrays.copyOfRange(pattern, range[0], range[0] + range[1]),
                        Arrays.copyOfRange(read, 1, 1 + range[1]), "offset " + range[0] + ", " + range[1] + " bytes");
                assertEquals(0, read[0]);
                assertEquals(0, read[read.length - 1]);
            }
        }
    }

    @Test
    void zeroClearsExactlyTheRange() {
        try (SharedGuestRam ram = SharedGuestRam.create(directory, BASE, BYTES)) {
            byte[] ones = new byte[200_000];
            Arrays.fill(ones, (byte) 1);
            ram.write(BASE, ones, 0, ones.length);
            ram.zero(BASE + 4096, 150_000);
            byte[] read = new byte[ones.length];
            ram.read(BASE, read, 0, read.length);
            for (int i = 0; i < read.length; i++) {
                assertEquals(i >= 4096 && i < 4096 + 150_000 ? 0 : 1, read[i], "byte " + i);
            }
        }
    }

    @Test
    void unlinkRemovesTheNameButKeepsTheMemory() {
        try (SharedGuestRam ram = SharedGuestRam.create(directory, BASE, BYTES)) {
            ram.write(BASE + 64, new byte[] {5, 6, 7, 8}, 0, 4);
            ram.unlink();
            assertFalse(Files.exists(ram.file()));
            byte[] read = new byte[4];
            ram.read(BASE + 64, read, 0, 4);
            assertArrayEquals(new byte[] {5, 6, 7, 8}, read);
        }
    }

    @Test
    void closeDeletesTheFileAndRefusesLaterAccess() {
        SharedGuestRam ram = SharedGuestRam.create(directory, BASE, BYTES);
        ram.close();
        assertFalse(Files.exists(ram.file()));
        QemuException failure = assertThrows(QemuException.class, () -> ram.read(BASE, new byte[4], 0, 4));
        assertTrue(failure.getMessage().contains("closed"), failure.getMessage());
        assertThrows(QemuException.class, () -> ram.write(BASE, new byte[4], 0, 4));
        assertThrows(QemuException.class, () -> ram.zero(BASE, 4096));
        ram.close();
    }

    @Test
    void filesOfEndedProcessesAreRemovedOthersKept() throws IOException, InterruptedException {
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        Path stale = Files.createFile(directory.resolve("vblk-ram-" + ended.pid() + "-1f2e"));
        Path ours = Files.createFile(directory.resolve("vblk-ram-" + ProcessHandle.current().pid() + "-abc"));
        Path unrelated = Files.createFile(directory.resolve("vblk-ram-notes.txt"));

        try (SharedGuestRam ram = SharedGuestRam.create(directory, BASE, BYTES)) {
            assertFalse(Files.exists(stale), "a file whose process has ended is removed");
            assertTrue(Files.exists(ours), "a file of a running process is kept");
            assertTrue(Files.exists(unrelated), "a file not named like ours is kept");
            assertTrue(Files.exists(ram.file()));
        }
        assertEquals(0, SharedGuestRam.removeStale(directory));
        assertTrue(Files.exists(ours));
    }

    @Test
    void sizesBeyondOneMappingAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SharedGuestRam.create(directory, BASE, 4L << 30));
        assertThrows(IllegalArgumentException.class, () -> QemuConfig.builder().ramBytes(4L << 30).build());
        assertEquals(4L << 30, QemuConfig.builder().ramBytes(4L << 30).sharedMemory(false).build().ramBytes());
    }

    private static byte[] readFile(Path file, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.read(buffer, offset);
        }
        return buffer.array();
    }
}
