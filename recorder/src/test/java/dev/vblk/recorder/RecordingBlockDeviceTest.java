package dev.vblk.recorder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.BlockDeviceInfo;
import dev.vblk.block.BlockLifetime;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestType;
import dev.vblk.trace.OperationKind;
import dev.vblk.trace.OperationOutcome;
import dev.vblk.trace.TraceCodec;
import dev.vblk.trace.TraceEvent;
import dev.vblk.trace.TraceReader;
import dev.vblk.trace.TraceWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingBlockDeviceTest {

    @TempDir
    Path dir;

    /** Eight sectors in memory; no flush support; requests past the end fail. */
    static final class RamDisk implements BlockDevice {
        final byte[] data = new byte[8 * SECTOR_SIZE];
        BlockDeviceException lastError;

        @Override
        public BlockDeviceId id() {
            return new BlockDeviceId(2, 0x0a003e00L);
        }

        @Override
        public BlockDeviceInfo info() {
            return new BlockDeviceInfo(8, 512, false, false, false, false, false);
        }

        @Override
        public void readAt(long sector, byte[] buffer) {
            check(RequestType.READ, sector, buffer.length / SECTOR_SIZE);
            System.arraycopy(data, (int) sector * SECTOR_SIZE, buffer, 0, buffer.length);
        }

        @Override
        public void writeAt(long sector, byte[] bytes) {
            check(RequestType.WRITE, sector, bytes.length / SECTOR_SIZE);
            System.arraycopy(bytes, 0, data, (int) sector * SECTOR_SIZE, bytes.length);
        }

        @Override
        public void flush() {
            throw lastError = BlockDeviceException.of(ErrorKind.UNSUPPORTED, "no cache").request(RequestType.FLUSH).build();
        }

        @Override
        public void discard(long sector, long sectorCount) {
            check(RequestType.DISCARD, sector, sectorCount);
        }

        @Override
        public void writeZeroes(long sector, long sectorCount) {
            check(RequestType.WRITE_ZEROES, sector, sectorCount);
            Arrays.fill(data, (int) sector * SECTOR_SIZE, (int) (sector + sectorCount) * SECTOR_SIZE, (byte) 0);
        }

        @Override
        public void secureErase(long sector, long sectorCount) {
            writeZeroes(sector, sectorCount);
        }

        @Override
        public BlockLifetime lifetime() {
            return new BlockLifetime(2, 4, 12);
        }

        @Override
        public String deviceIdString() {
            return "ramdisk-1";
        }

        private void check(RequestType type, long sector, long count) {
            if (sector + count > 8) {
                throw lastError = BlockDeviceException.of(ErrorKind.OUT_OF_RANGE, "past the end")
                        .device(id()).request(type, sector, count).build();
            }
        }
    }

    @Test
    void recordsArgumentsDigestsAndErrorsAndRethrowsTheSameException() {
        Path file = dir.resolve("ops.avro");
        RamDisk disk = new RamDisk();
        byte[] written = new byte[1024];
        Arrays.fill(written, (byte) 0x5a);
        byte[] readBack = new byte[1024];
        String flushMessage;
        try (TraceRecorder recorder = new TraceRecorder(TraceWriter.create(file, RecordingPlatformTest.metadata(), TraceCodec.DEFLATE))) {
            BlockDevice device = new RecordingBlockDevice(disk, recorder);
            device.writeAt(2, written);
            device.readAt(2, readBack);
            assertEquals("ramdisk-1", device.deviceIdString());
            BlockDeviceException flushError = assertThrows(BlockDeviceException.class, device::flush);
            assertSame(disk.lastError, flushError);
            flushMessage = flushError.getMessage();
            BlockDeviceException rangeError = assertThrows(BlockDeviceException.class, () -> device.discard(6, 4));
            assertSame(disk.lastError, rangeError);
            device.writeZeroes(0, 1);
        }
        assertArrayEquals(written, readBack);

        String dev = "virtio-blk@0x0a003e00";
        OperationOutcome nothing = OperationOutcome.Succeeded.ofNothing();
        assertEquals(List.of(
                new TraceEvent.OperationBegin(1, OperationKind.WRITE, dev, 2, 2, 0, written),
                new TraceEvent.OperationEnd(1, nothing),
                new TraceEvent.OperationBegin(2, OperationKind.READ, dev, 2, 2, 1024, new byte[0]),
                new TraceEvent.OperationEnd(2, OperationOutcome.Succeeded.ofData(written)),
                new TraceEvent.OperationBegin(3, OperationKind.GET_ID, dev, 0, 0, 0, new byte[0]),
                new TraceEvent.OperationEnd(3, OperationOutcome.Succeeded.ofData("ramdisk-1".getBytes(StandardCharsets.UTF_8))),
                new TraceEvent.OperationBegin(4, OperationKind.FLUSH, dev, 0, 0, 0, new byte[0]),
                new TraceEvent.OperationEnd(4, new OperationOutcome.Failed("UNSUPPORTED", flushMessage)),
                new TraceEvent.OperationBegin(5, OperationKind.DISCARD, dev, 6, 4, 0, new byte[0]),
                new TraceEvent.OperationEnd(5, new OperationOutcome.Failed("OUT_OF_RANGE", disk.lastError.getMessage())),
                new TraceEvent.OperationBegin(6, OperationKind.WRITE_ZEROES, dev, 0, 1, 0, new byte[0]),
                new TraceEvent.OperationEnd(6, nothing)),
                TraceReader.readComplete(file).events());
    }

    @Test
    void aSecureEraseIsRecordedWithItsRangeAndALifetimeWithTheSixBytesTheDeviceWrote() {
        Path file = dir.resolve("erase.avro");
        try (TraceRecorder recorder = new TraceRecorder(TraceWriter.create(file, RecordingPlatformTest.metadata(), TraceCodec.DEFLATE))) {
            BlockDevice device = new RecordingBlockDevice(new RamDisk(), recorder);
            device.secureErase(1, 3);
            assertEquals(new BlockLifetime(2, 4, 12), device.lifetime());
        }
        String dev = "virtio-blk@0x0a003e00";
        assertEquals(List.of(
                new TraceEvent.OperationBegin(1, OperationKind.SECURE_ERASE, dev, 1, 3, 0, new byte[0]),
                new TraceEvent.OperationEnd(1, OperationOutcome.Succeeded.ofNothing()),
                new TraceEvent.OperationBegin(2, OperationKind.GET_LIFETIME, dev, 0, 0, 0, new byte[0]),
                new TraceEvent.OperationEnd(2, OperationOutcome.Succeeded.ofData(new byte[] {2, 0, 4, 0, 12, 0}))),
                TraceReader.readComplete(file).events());
    }

    @Test
    void anUnexpectedExceptionIsRecordedByItsClassAndRethrown() {
        Path file = dir.resolve("bug.avro");
        IllegalStateException bug = new IllegalStateException("ring corrupted");
        try (TraceRecorder recorder = new TraceRecorder(TraceWriter.create(file, RecordingPlatformTest.metadata(), TraceCodec.NONE))) {
            IllegalStateException thrown = assertThrows(IllegalStateException.class,
                    () -> recorder.recordOperation(OperationKind.RESET, "virtio-blk@0x0a003e00", 0, 0, () -> {
                        throw bug;
                    }));
            assertSame(bug, thrown);
        }

        TraceEvent.OperationEnd end = (TraceEvent.OperationEnd) TraceReader.readComplete(file).events().get(1);
        assertEquals(new OperationOutcome.Failed(IllegalStateException.class.getName(), "ring corrupted"), end.outcome());
        assertEquals(List.of(), ((OperationOutcome.Failed) end.outcome()).blockErrorKind().stream().toList());
    }
}
