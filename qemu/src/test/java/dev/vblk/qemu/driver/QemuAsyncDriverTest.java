package dev.vblk.qemu.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.block.AsyncBlockDevice;
import dev.vblk.block.Completion;
import dev.vblk.block.RequestHandle;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.qemu.testkit.DiskImages;
import dev.vblk.virtio.FeatureBits;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.CompletionMode;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The asynchronous driver on QEMU's real virtio-blk device: 32 requests in flight, with interrupts or
 * polling, with and without indirect descriptors and the event index, on the split ring and on the
 * packed ring ({@code packed=on}), each request completed once with its own data; ten rounds lap a
 * ring of 256 descriptors.
 */
@RequiresQemu
class QemuAsyncDriverTest {

    @TempDir
    Path directory;

    @ParameterizedTest
    @CsvSource({"INTERRUPTS, true, true, false", "INTERRUPTS, false, false, false", "POLLING, true, true, false",
        "POLLING, false, false, false", "INTERRUPTS, true, true, true", "INTERRUPTS, false, false, true",
        "POLLING, true, true, true", "POLLING, false, false, true", "INTERRUPTS, false, true, true"})
    void thirtyTwoReadsInFlightCompleteOnceEachWithTheirData(CompletionMode mode, boolean indirect, boolean eventIndex,
            boolean packed) throws IOException {
        DriverOptions options = DriverOptions.DEFAULTS.withCompletion(mode).withIndirectDescriptors(indirect)
                .withEventIndex(eventIndex).withPackedRing(packed);
        QemuConfig.Builder config = QemuConfig.builder().drive(DriveConfig.raw(DiskImages.raw(directory, "sig.img", 2048)));
        if (packed) {
            config.extraArgs("-global", "virtio-blk-device.packed=on");
        }
        try (QemuMachine machine = QemuMachine.start(config.build())) {
            var attached = machine.drive(0);
            VirtioBlkDevice device = VirtioBlkDevice.open(machine.platform(),
                    new MmioSlot(attached.slot(), attached.transportAddress(), attached.interruptLine()), options);
            assertEquals(indirect, FeatureBits.has(device.negotiatedFeatures(), FeatureBits.INDIRECT_DESC));
            assertEquals(eventIndex, FeatureBits.has(device.negotiatedFeatures(), FeatureBits.EVENT_IDX));
            assertEquals(packed, FeatureBits.has(device.negotiatedFeatures(), FeatureBits.RING_PACKED));
            for (int round = 0; round < 10; round++) {
                List<RequestHandle> handles = new ArrayList<>();
                List<byte[]> buffers = new ArrayList<>();
                for (int i = 0; i < 32; i++) {
                    byte[] buffer = new byte[(i % 4 + 1) * 8 * 512];
                    handles.add(device.submitRead((i * 37L + round * 11) % 1900, buffer));
                    buffers.add(buffer);
                }
                List<Completion> completions = device.awaitAll(handles, AsyncBlockDevice.NO_TIME_BUDGET);
                assertEquals(32, completions.size());
                Set<RequestHandle> seen = new HashSet<>();
                for (Completion completion : completions) {
                    assertInstanceOf(Completion.Succeeded.class, completion, completion.toString());
                    assertTrue(seen.add(completion.handle()));
                }
                for (int i = 0; i < 32; i++) {
                    long first = (i * 37L + round * 11) % 1900;
                    for (int s = 0; s < buffers.get(i).length / 512; s++) {
                        byte[] sector = Arrays.copyOfRange(buffers.get(i), s * 512, s * 512 + 512);
                        assertArrayEquals(DiskImages.signature(first + s), sector, "request " + i + " sector " + s);
                    }
                }
            }
            assertEquals(0, device.outstanding());
        }
    }
}
