package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.FakeVirtioBlkDevice;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.platform.AccessWidth;
import dev.vblk.platform.ForwardingPlatform;
import dev.vblk.virtio.MmioRegister;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import dev.vblk.virtio.queue.chain.ChainDecoder;
import dev.vblk.virtio.queue.chain.ChainSegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every descriptor chain the driver posts respects the device's SEG_MAX and SIZE_MAX (offered, as
 * their values count only then), whatever the allocator gives it: the chains are read back from
 * guest memory at each QueueNotify.
 */
class RequestSplittingTest {

    /** Watches queue set-up and notifications, and reads each newly available chain's data segments. */
    private static final class ChainInspector extends ForwardingPlatform {
        private final FakePlatform machine;
        private final long base;
        private long descriptorTable;
        private long availableRing;
        private int seenAvailable;
        final List<List<Integer>> dataSegments = new ArrayList<>();

        ChainInspector(FakePlatform machine, long base) {
            super(machine);
            this.machine = machine;
            this.base = base;
        }

        @Override
        public void writeRegister(long address, AccessWidth width, long value) {
            int offset = (int) (address - base);
            if (offset == MmioRegister.QUEUE_DESC_LOW.offset()) {
                descriptorTable = value;
            } else if (offset == MmioRegister.QUEUE_DRIVER_LOW.offset()) {
                availableRing = value;
            } else if (offset == MmioRegister.QUEUE_NOTIFY.offset()) {
                inspectNewChains();
            }
            super.writeRegister(address, width, value);
        }

        private void inspectNewChains() {
            int index = machine.ram().readU16(availableRing + 2);
            for (; seenAvailable != index; seenAvailable = (seenAvailable + 1) & 0xffff) {
                int head = machine.ram().readU16(availableRing + 4 + 2L * (seenAvailable % 256));
                List<Integer> lengths = new ArrayList<>();
                for (ChainSegment segment : new ChainDecoder(machine.ram()::readMemory, descriptorTable, 256, true)
                        .decode(head).segments()) {
                    lengths.add((int) segment.length());
                }
                dataSegments.add(lengths.subList(1, lengths.size() - 1));
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"3, 1024, false", "3, 1024, true", "1, 4096, true", "7, 600, false", "254, 0, true"})
    void chainsStayWithinSegMaxAndSizeMax(int segMax, int sizeMax, boolean fragmented) {
        FakePlatform machine = FakePlatform.create();
        FakeVirtioBlkDevice fake = machine.attachBlockDevice(FakeBlkConfig.builder()
                .disk(InMemoryDisk.ofSectors(1024)).segMax(segMax).sizeMax(sizeMax)
                .features(VirtioBlk.QEMU_DEFAULT_FEATURES | (sizeMax > 0 ? VirtioBlk.bit(VirtioBlk.F_SIZE_MAX) : 0))
                .build());
        machine.allocatorFaults().refuseMultiFrame(fragmented);
        MmioSlot slot = new MmioSlot(31, FakePlatform.slotAddress(31), machine.interruptLine(31));
        ChainInspector inspector = new ChainInspector(machine, slot.baseAddress());
        VirtioBlkDevice device = VirtioBlkDevice.open(inspector, slot, FakeRig.TEST_OPTIONS);

        byte[] data = new byte[300 * 512];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 11 + 5);
        }
        device.writeAt(17, data);
        byte[] back = new byte[data.length];
        device.readAt(17, back);
        assertArrayEquals(data, back);

        long requests = fake.requestsDecoded();
        assertEquals(inspector.dataSegments.size(), requests, "every request was inspected");
        int perCall = (data.length + device.maxTransferBytes() - 1) / device.maxTransferBytes();
        assertTrue(perCall > 1 && requests >= 2L * perCall, "the calls were split into " + perCall + " requests each");
        for (List<Integer> segments : inspector.dataSegments) {
            assertTrue(segments.size() <= segMax, "SEG_MAX " + segMax + ": " + segments);
            if (sizeMax > 0) {
                assertTrue(segments.stream().allMatch(length -> length <= sizeMax), "SIZE_MAX " + sizeMax + ": " + segments);
            }
        }
        assertEquals(List.of(), machine.violations());
    }
}
