package dev.vblk.jfr;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vblk.block.BlockDevice;
import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.BlockDeviceId;
import dev.vblk.block.BlockDeviceInfo;
import dev.vblk.block.BlockLifetime;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.ZoneDescriptor;
import dev.vblk.block.ZoneState;
import dev.vblk.block.ZoneType;
import dev.vblk.block.ZonedBlockDevice;
import dev.vblk.block.ZonedCharacteristics;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.testing.MemoryOnlyPlatform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/** The Flight Recorder events carry what a latency report and a register log need. */
class InstrumentationTest {

    /** A device that serves reads and fails writes, enough to see both outcomes; it notes every call it gets. */
    private static final class StubDevice implements BlockDevice {
        final List<String> calls = new ArrayList<>();

        @Override
        public BlockDeviceId id() {
            return new BlockDeviceId(2, 0x0a003e00L);
        }

        @Override
        public BlockDeviceInfo info() {
            return new BlockDeviceInfo(8, 512, false, true, true, false, false);
        }

        @Override
        public void readAt(long sector, byte[] buffer) {
            calls.add("read " + sector);
            Arrays.fill(buffer, (byte) 7);
        }

        @Override
        public void writeAt(long sector, byte[] data) {
            calls.add("write " + sector);
            throw BlockDeviceException.of(ErrorKind.IO_ERROR, "stub").build();
        }

        @Override
        public void flush() {
            calls.add("flush");
        }

        @Override
        public void discard(long sector, long sectorCount) {
            calls.add("discard " + sector + "+" + sectorCount);
        }

        @Override
        public void writeZeroes(long sector, long sectorCount) {
            calls.add("write-zeroes " + sector + "+" + sectorCount);
        }

        @Override
        public void secureErase(long sector, long sectorCount) {
            calls.add("secure-erase " + sector + "+" + sectorCount);
        }

        @Override
        public BlockLifetime lifetime() {
            return new BlockLifetime(1, 2, 3);
        }

        @Override
        public String deviceIdString() {
            return "stub";
        }
    }

    @Test
    void everyCallReachesTheDeviceWithItsAnswerAndIsRecorded() throws Exception {
        StubDevice stub = new StubDevice();
        byte[] read = new byte[512];
        List<RecordedEvent> events = record(List.of(BlockRequestEvent.NAME), () -> {
            BlockDevice device = new InstrumentedBlockDevice(stub);
            assertEquals(stub.id(), device.id());
            assertEquals(stub.info(), device.info());
            assertEquals("stub", device.deviceIdString());
            device.readAt(1, read);
            device.flush();
            device.discard(2, 3);
            device.writeZeroes(4, 5);
            device.secureErase(6, 7);
        }, BlockRequestEvent.NAME);
        assertEquals(List.of("read 1", "flush", "discard 2+3", "write-zeroes 4+5", "secure-erase 6+7"), stub.calls);
        byte[] sevens = new byte[512];
        Arrays.fill(sevens, (byte) 7);
        assertArrayEquals(sevens, read, "the device's answer reaches the caller");
        assertEquals(List.of("get-id", "read", "flush", "discard", "write-zeroes", "secure-erase"),
                events.stream().map(e -> e.getString("operation")).toList());
        assertEquals(List.of(0L, 512L, 0L, 3L * 512, 5L * 512, 7L * 512), events.stream().map(e -> e.getLong("bytes")).toList());
    }

    @Test
    void secureEraseAndLifetimeCallsAreNamedInTheirEvents() throws Exception {
        List<RecordedEvent> events = record(List.of(BlockRequestEvent.NAME), () -> {
            BlockDevice device = new InstrumentedBlockDevice(new StubDevice());
            device.secureErase(16, 8);
            assertEquals(new BlockLifetime(1, 2, 3), device.lifetime());
        }, BlockRequestEvent.NAME);
        assertEquals(2, events.size());
        assertEquals("secure-erase", events.get(0).getString("operation"));
        assertEquals(16, events.get(0).getLong("sector"));
        assertEquals(8 * 512, events.get(0).getLong("bytes"));
        assertEquals("get-lifetime", events.get(1).getString("operation"));
        assertEquals("OK", events.get(1).getString("outcome"));
    }

    /** Zone commands that succeed, but a reset of every zone that the device refuses; it notes every call it gets. */
    private static final class StubZonedDevice implements ZonedBlockDevice {
        static final ZoneDescriptor ZONE = new ZoneDescriptor(256, 64, 260, ZoneType.SEQUENTIAL_WRITE_REQUIRED,
                ZoneState.IMPLICITLY_OPEN);
        final List<String> calls = new ArrayList<>();

        @Override
        public ZonedCharacteristics characteristics() {
            throw new UnsupportedOperationException("not asked");
        }

        @Override
        public List<ZoneDescriptor> reportZones(long sector, int maxZones) {
            calls.add("report " + sector + " " + maxZones);
            return List.of(ZONE);
        }

        @Override
        public void openZone(long zoneStart) {
            calls.add("open " + zoneStart);
        }

        @Override
        public void closeZone(long zoneStart) {
            calls.add("close " + zoneStart);
        }

        @Override
        public void finishZone(long zoneStart) {
            calls.add("finish " + zoneStart);
        }

        @Override
        public void resetZone(long zoneStart) {
            calls.add("reset " + zoneStart);
        }

        @Override
        public void resetAllZones() {
            throw BlockDeviceException.of(ErrorKind.ZONE_INVALID_COMMAND, "stub").build();
        }

        @Override
        public long zoneAppend(long zoneStart, byte[] data) {
            return zoneStart + 3;
        }
    }

    @Test
    void zoneCommandsAreNamedInTheirEvents() throws Exception {
        StubZonedDevice stub = new StubZonedDevice();
        List<RecordedEvent> events = record(List.of(BlockRequestEvent.NAME), () -> {
            ZonedBlockDevice zoned = new InstrumentedZonedBlockDevice("virtio-blk@0x0a003e00", stub);
            assertEquals(List.of(StubZonedDevice.ZONE), zoned.reportZones(256, 4));
            zoned.openZone(512);
            zoned.closeZone(512);
            zoned.finishZone(512);
            zoned.resetZone(768);
            assertEquals(259, zoned.zoneAppend(256, new byte[1024]));
            assertThrows(BlockDeviceException.class, zoned::resetAllZones);
        }, BlockRequestEvent.NAME);
        assertEquals(List.of("zone-report", "zone-open", "zone-close", "zone-finish", "zone-reset", "zone-append",
                "zone-reset-all"), events.stream().map(e -> e.getString("operation")).toList());
        assertEquals(List.of("report 256 4", "open 512", "close 512", "finish 512", "reset 768"), stub.calls);
        assertEquals(List.of(256L, 512L, 512L, 512L, 768L, 256L, 0L), events.stream().map(e -> e.getLong("sector")).toList());
        assertEquals(1024, events.get(5).getLong("bytes"));
        assertEquals("virtio-blk@0x0a003e00", events.get(0).getString("device"));
        assertEquals("OK", events.get(5).getString("outcome"));
        assertEquals("ZONE_INVALID_COMMAND", events.get(6).getString("outcome"));
    }

    @Test
    void blockRequestsAreRecordedWithTheirOutcome() throws Exception {
        List<RecordedEvent> events = record(List.of(BlockRequestEvent.NAME), () -> {
            BlockDevice device = new InstrumentedBlockDevice(new StubDevice());
            device.readAt(3, new byte[1024]);
            assertThrows(BlockDeviceException.class, () -> device.writeAt(5, new byte[512]));
        }, BlockRequestEvent.NAME);
        assertEquals(2, events.size());
        RecordedEvent read = events.get(0);
        assertEquals("read", read.getString("operation"));
        assertEquals(3, read.getLong("sector"));
        assertEquals(1024, read.getLong("bytes"));
        assertEquals("OK", read.getString("outcome"));
        assertEquals("virtio-blk@0x0a003e00", read.getString("device"));
        assertEquals("IO_ERROR", events.get(1).getString("outcome"));
    }

    @Test
    void registerAccessesAreOffByDefaultAndRecordedWhenEnabled() throws Exception {
        InstrumentedPlatform platform = new InstrumentedPlatform(new RegisterEcho(new MemoryOnlyPlatform()));
        List<RecordedEvent> unasked = record(List.of(), () -> platform.readRegister(0x0a003e00L, AccessWidth.WORD),
                RegisterAccessEvent.NAME);
        assertEquals(0, unasked.size(), "disabled by default");
        List<RecordedEvent> events = record(List.of(RegisterAccessEvent.NAME),
                () -> platform.writeRegister(0x0a003e70L, AccessWidth.WORD, 3), RegisterAccessEvent.NAME);
        assertEquals(1, events.size());
        assertEquals(0x0a003e70L, events.get(0).getLong("address"));
        assertEquals(true, events.get(0).getBoolean("write"));
        assertEquals(32, events.get(0).getInt("widthBits"));
        assertEquals(3, events.get(0).getLong("value"));
    }

    @Test
    void aRecordedReadReturnsTheDevicesValueAndARecordedWriteReachesIt() throws Exception {
        RegisterEcho echo = new RegisterEcho(new MemoryOnlyPlatform());
        InstrumentedPlatform platform = new InstrumentedPlatform(echo);
        long[] read = new long[1];
        List<RecordedEvent> events = record(List.of(RegisterAccessEvent.NAME), () -> {
            read[0] = platform.readRegister(0x0a003e00L, AccessWidth.WORD);
            platform.writeRegister(0x0a003e50L, AccessWidth.HALF, 7);
        }, RegisterAccessEvent.NAME);

        assertEquals(0x74726976L, read[0]);
        assertEquals(List.of("0xa003e50 HALF 0x7"), echo.writes);
        assertEquals(List.of(false, true), events.stream().map(e -> e.getBoolean("write")).toList());
        assertEquals(0x74726976L, events.get(0).getLong("value"));
    }

    /** Runs {@code body} under a recording with the given events enabled and returns the events named {@code type}. */
    private static List<RecordedEvent> record(List<String> enabled, Runnable body, String type) throws IOException {
        Path file = Files.createTempFile("vblk-jfr", ".jfr");
        try (Recording recording = new Recording()) {
            enabled.forEach(name -> recording.enable(name).withThreshold(Duration.ZERO));
            recording.start();
            body.run();
            recording.stop();
            recording.dump(file);
            return RecordingFile.readAllEvents(file).stream()
                    .filter(event -> event.getEventType().getName().equals(type)).toList();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Registers that read back 0x74726976 and note the writes they accept; memory from the wrapped platform. */
    private static final class RegisterEcho extends ForwardingPlatform {
        final List<String> writes = new ArrayList<>();

        RegisterEcho(MemoryOnlyPlatform inner) {
            super(inner);
        }

        @Override
        public long readRegister(long address, AccessWidth width) {
            return 0x74726976L;
        }

        @Override
        public void writeRegister(long address, AccessWidth width, long value) {
            writes.add(String.format("0x%x %s 0x%x", address, width, value));
        }
    }
}
