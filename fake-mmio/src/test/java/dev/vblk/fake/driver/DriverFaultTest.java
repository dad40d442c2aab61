package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.block.RequestType;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.blk.BlkFeatures;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Each fault the fake device can inject, and what the driver makes of it: the right kind, no hang, no false success. */
class DriverFaultTest {

    private static final int SECTORS = 64;

    private static FakeRig rig(RequestHook hook) {
        InMemoryDisk disk = InMemoryDisk.ofSectors(SECTORS);
        byte[] contents = new byte[SECTORS * 512];
        for (int i = 0; i < contents.length; i++) {
            contents[i] = (byte) (i / 512 + 1);
        }
        disk.write(0, contents, 0, contents.length);
        return FakeRig.of(FakeBlkConfig.builder().disk(disk).requestHook(hook).build());
    }

    private static BlockDeviceException fails(ErrorKind kind, Executable call) {
        BlockDeviceException error = assertThrows(BlockDeviceException.class, call);
        assertEquals(kind, error.kind(), error.getMessage());
        return error;
    }

    private static void readsCorrectly(VirtioBlkDevice device, long sector) {
        byte[] buffer = new byte[512];
        device.readAt(sector, buffer);
        byte[] expected = new byte[512];
        java.util.Arrays.fill(expected, (byte) (sector + 1));
        assertArrayEquals(expected, buffer, "sector " + sector);
    }

    @Test
    void ioErrorStatusFailsThatRequestOnly() {
        FakeRig rig = rig(RequestHook.NORMAL.at(1, RequestOutcome.status(VirtioBlk.S_IOERR)));
        VirtioBlkDevice device = rig.open();
        readsCorrectly(device, 4);
        BlockDeviceException error = fails(ErrorKind.IO_ERROR, () -> device.readAt(9, new byte[512]));
        assertEquals(9, error.sector().orElseThrow());
        assertEquals(1, error.statusByte().orElseThrow());
        assertEquals(RequestType.READ, error.requestType());
        assertTrue(error.getMessage().startsWith("virtio-blk@0x0a003e00: io error on read at sector 9"), error.getMessage());
        readsCorrectly(device, 9);
        assertTrue(device.fatalError().isEmpty());
    }

    @Test
    void unsupportedStatusIsUnsupported() {
        VirtioBlkDevice device = rig(RequestHook.NORMAL.at(0, RequestOutcome.status(VirtioBlk.S_UNSUPP))).open();
        fails(ErrorKind.UNSUPPORTED, () -> device.writeAt(0, new byte[512]));
        readsCorrectly(device, 0);
    }

    @Test
    void undefinedStatusByteIsAViolationThatNeedsAReset() {
        FakeRig rig = rig(RequestHook.NORMAL.at(0, RequestOutcome.status(7)));
        VirtioBlkDevice device = rig.open();
        BlockDeviceException error = fails(ErrorKind.PROTOCOL_VIOLATION, () -> device.readAt(2, new byte[512]));
        assertEquals(7, error.statusByte().orElseThrow());
        fails(ErrorKind.PROTOCOL_VIOLATION, () -> device.readAt(2, new byte[512]));
        device.reset();
        readsCorrectly(device, 2);
    }

    @Test
    void okStatusWithoutTheDataIsNotASuccess() {
        VirtioBlkDevice device = rig(RequestHook.NORMAL.at(0, RequestOutcome.status(VirtioBlk.S_OK))).open();
        fails(ErrorKind.PROTOCOL_VIOLATION, () -> device.readAt(2, new byte[512]));
    }

    @Test
    void failedFlushIsFatalUntilReset() {
        FakeRig rig = rig(RequestHook.NORMAL.at(1, RequestOutcome.status(VirtioBlk.S_IOERR)));
        VirtioBlkDevice device = rig.open();
        device.writeAt(0, new byte[512]);
        fails(ErrorKind.FLUSH_FAILED, device::flush);
        BlockDeviceException later = fails(ErrorKind.FLUSH_FAILED, () -> device.readAt(0, new byte[512]));
        assertTrue(later.getMessage().endsWith("the device is unusable until reset, after: " + later.getCause().getMessage()),
                later.getMessage());
        device.reset();
        device.flush();
    }

    @Test
    void deviceNeedsResetDuringARequest() {
        FakeRig rig = rig(RequestHook.NORMAL.at(0, RequestOutcome.needsReset()));
        VirtioBlkDevice device = rig.open();
        fails(ErrorKind.DEVICE_NEEDS_RESET, () -> device.readAt(1, new byte[512]));
        fails(ErrorKind.DEVICE_NEEDS_RESET, () -> device.writeAt(1, new byte[512]));
        device.reset();
        readsCorrectly(device, 1);
    }

    @Test
    void deviceNeedsResetBetweenRequests() {
        FakeRig rig = rig(RequestHook.NORMAL);
        VirtioBlkDevice device = rig.open();
        readsCorrectly(device, 1);
        rig.device().injectNeedsReset("test");
        fails(ErrorKind.DEVICE_NEEDS_RESET, () -> device.readAt(1, new byte[512]));
        device.reset();
        readsCorrectly(device, 1);
    }

    @Test
    void refusedFeaturesOkFailsNegotiationAndMarksTheDeviceFailed() {
        FakeRig rig = rig(RequestHook.NORMAL);
        rig.device().faults().refuseFeaturesOk(true);
        fails(ErrorKind.FEATURE_NEGOTIATION_FAILED, rig::open);
        assertTrue((rig.device().status() & DeviceStatus.FAILED) != 0, "FAILED set");
    }

    @Test
    void withheldVersion1FailsNegotiation() {
        FakeRig rig = rig(RequestHook.NORMAL);
        rig.device().faults().withholdFeatures(FeatureBits.bit(FeatureBits.VERSION_1));
        BlockDeviceException error = fails(ErrorKind.FEATURE_NEGOTIATION_FAILED, rig::open);
        assertTrue(error.getMessage().contains("lack required"), error.getMessage());
    }

    @Test
    void withheldOptionalFeaturesAreNotUsed() {
        FakeRig rig = rig(RequestHook.NORMAL);
        rig.device().faults().withholdFeatures(FeatureBits.bit(BlkFeatures.FLUSH) | FeatureBits.bit(BlkFeatures.WRITE_ZEROES)
                | FeatureBits.bit(BlkFeatures.DISCARD));
        VirtioBlkDevice device = rig.open();
        assertFalse(device.info().flushSupported());
        long before = rig.device().requestsDecoded();
        device.flush();
        assertEquals(before, rig.device().requestsDecoded(), "no FLUSH request without the FLUSH feature");
        fails(ErrorKind.UNSUPPORTED, () -> device.writeZeroes(0, 1));
        fails(ErrorKind.UNSUPPORTED, () -> device.discard(0, 1));
        assertEquals(0, rig.device().negotiatedFeatures() & ~rig.device().offeredFeatures(), "nothing accepted that was not offered");
    }

    @Test
    void completionThatNeverComesTimesOutWithinTheBudget() {
        FakeRig rig = rig(RequestHook.NORMAL.at(0, RequestOutcome.never()));
        VirtioBlkDevice device = rig.open();
        long before = rig.platform().clock().now();
        fails(ErrorKind.TIMEOUT, () -> device.readAt(1, new byte[512]));
        long waited = rig.platform().clock().now() - before;
        assertTrue(waited >= FakeRig.TEST_OPTIONS.requestTimeoutNanos() && waited < 2 * FakeRig.TEST_OPTIONS.requestTimeoutNanos(),
                "waited " + waited + " ns of virtual time");
        fails(ErrorKind.TIMEOUT, () -> device.readAt(1, new byte[512]));
        int framesHeld = rig.platform().allocatedFrames();
        device.reset();
        assertTrue(rig.platform().allocatedFrames() <= framesHeld, "the abandoned buffer is released by the reset");
        readsCorrectly(device, 1);
    }

    @Test
    void usedElementWithABadIdIsAViolation() {
        VirtioBlkDevice device = rig(RequestHook.NORMAL.at(0, RequestOutcome.normal().withUsedId(200))).open();
        BlockDeviceException error = fails(ErrorKind.PROTOCOL_VIOLATION, () -> device.readAt(1, new byte[512]));
        assertTrue(error.getMessage().contains("names descriptor 200"), error.getMessage());
    }

    @Test
    void usedElementWithABadLengthIsAViolation() {
        VirtioBlkDevice device = rig(RequestHook.NORMAL.at(0, RequestOutcome.normal().withUsedLen(1 << 20))).open();
        fails(ErrorKind.PROTOCOL_VIOLATION, () -> device.readAt(1, new byte[512]));
    }

    @Test
    void duplicatedCompletionAndIndexJumpAreViolations() {
        VirtioBlkDevice duplicated = rig(RequestHook.NORMAL.at(0, RequestOutcome.normal().duplicated())).open();
        fails(ErrorKind.PROTOCOL_VIOLATION, () -> duplicated.readAt(1, new byte[512]));
        VirtioBlkDevice jumped = rig(RequestHook.NORMAL.at(0, RequestOutcome.normal().skippingUsedIdx(3))).open();
        fails(ErrorKind.PROTOCOL_VIOLATION, () -> jumped.readAt(1, new byte[512]));
    }

    @Test
    void configGenerationChangingMidReadIsRetried() {
        FakeRig rig = rig(RequestHook.NORMAL);
        rig.device().faults().unstableConfigGeneration(5);
        VirtioBlkDevice device = rig.open();
        assertEquals(SECTORS, device.capacitySectors());
        readsCorrectly(device, 3);
    }

    @Test
    void configGenerationThatNeverSettlesIsAViolation() {
        FakeRig rig = rig(RequestHook.NORMAL);
        rig.device().faults().unstableConfigGeneration(10_000);
        fails(ErrorKind.PROTOCOL_VIOLATION, rig::open);
    }

    @Test
    void capacityChangeIsSeenThroughTheConfigInterrupt() {
        FakeRig rig = rig(RequestHook.NORMAL);
        VirtioBlkDevice device = rig.open();
        rig.device().resize(SECTORS * 2);
        device.readAt(0, new byte[512]);
        assertEquals(SECTORS * 2, device.capacitySectors());
        device.readAt(SECTORS * 2 - 1, new byte[512]);
    }

    @Test
    void refusedContiguousFramesFallBackToScatterGather() {
        FakeRig rig = rig(RequestHook.NORMAL);
        rig.platform().allocatorFaults().refuseMultiFrame(true);
        VirtioBlkDevice device = rig.open();
        byte[] data = new byte[40 * 512];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 3);
        }
        device.writeAt(10, data);
        byte[] back = new byte[data.length];
        device.readAt(10, back);
        assertArrayEquals(data, back);
        assertEquals(List.of(), rig.platform().violations());
    }

    @Test
    void noFramesAtAllIsOutOfMemory() {
        FakeRig rig = rig(RequestHook.NORMAL);
        rig.platform().allocatorFaults().refuseAll(true);
        fails(ErrorKind.OUT_OF_MEMORY, rig::open);
    }

    @Test
    void framesRunningOutFailsTheRequestButNotTheDevice() {
        FakeRig rig = rig(RequestHook.NORMAL);
        VirtioBlkDevice device = rig.open(FakeRig.TEST_OPTIONS.withPooledBuffers(false));
        rig.platform().allocatorFaults().refuseAll(true);
        fails(ErrorKind.OUT_OF_MEMORY, () -> device.readAt(0, new byte[512]));
        rig.platform().allocatorFaults().clear();
        readsCorrectly(device, 0);
    }

    @Test
    void pooledBuffersAreAllocatedOnceAtInitialisation() {
        FakeRig rig = rig(RequestHook.NORMAL);
        VirtioBlkDevice device = rig.open();
        int frames = rig.platform().allocatedFrames();
        rig.platform().allocatorFaults().refuseAll(true);
        readsCorrectly(device, 0);
        device.writeAt(3, new byte[40 * 512]);
        assertEquals(frames, rig.platform().allocatedFrames(), "no frame is allocated or freed per request");
        assertEquals(FakeRig.TEST_OPTIONS.maxInFlight(), device.maxInFlight());
    }

    @Test
    void tinyOrMissingQueuesAreRefusedAtInitialisation() {
        FakeRig empty = rig(RequestHook.NORMAL);
        empty.device().faults().overrideRegister(MmioRegister.QUEUE_NUM_MAX.offset(), 0);
        fails(ErrorKind.PROTOCOL_VIOLATION, empty::open);
        FakeRig tiny = rig(RequestHook.NORMAL);
        tiny.device().faults().overrideRegister(MmioRegister.QUEUE_NUM_MAX.offset(), 2);
        fails(ErrorKind.UNSUPPORTED, tiny::open);
        FakeRig odd = rig(RequestHook.NORMAL);
        odd.device().faults().overrideRegister(MmioRegister.QUEUE_NUM_MAX.offset(), 100);
        VirtioBlkDevice device = odd.open();
        readsCorrectly(device, 5);
    }
}
