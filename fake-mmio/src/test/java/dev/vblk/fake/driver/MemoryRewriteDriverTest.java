package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.vblk.fake.blk.ChainFootprint;
import dev.vblk.fake.blk.DeviceRequest;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.MemorySpan;
import dev.vblk.fake.blk.MemoryTarget;
import dev.vblk.fake.blk.RequestHook;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A device that rewrites the driver-written memory of a write once it has fetched it, on split and
 * packed rings, with and without indirect tables: the device executes the true request, the chosen
 * memory holds the pattern afterwards, and the driver, which keeps its own copies, goes on as if
 * nothing happened.
 */
class MemoryRewriteDriverTest {

    private static final int SECTORS = 64;
    private static final int PATTERN = 0xa5;

    static Stream<Arguments> rings() {
        List<Arguments> all = new ArrayList<>();
        for (boolean packed : new boolean[] {false, true}) {
            for (boolean indirect : new boolean[] {false, true}) {
                for (MemoryTarget target : MemoryTarget.values()) {
                    all.add(Arguments.of(packed, indirect, target));
                }
            }
        }
        return all.stream();
    }

    /** The first request's chain is rewritten; the hook remembers where the chain lay. */
    private static final class RewriteFirst implements RequestHook {
        private final MemoryTarget target;
        ChainFootprint first;

        RewriteFirst(MemoryTarget target) {
            this.target = target;
        }

        @Override
        public void fetched(DeviceRequest request, ChainFootprint footprint) {
            if (first == null) {
                first = footprint;
            }
        }

        @Override
        public RequestOutcome onRequest(DeviceRequest request) {
            return request.index() == 0 ? RequestOutcome.rewriting(target, PATTERN, RequestOutcome.normal())
                    : RequestOutcome.normal();
        }
    }

    @ParameterizedTest(name = "packed {0}, indirect {1}: {2}")
    @MethodSource("rings")
    void theDeviceExecutesTheTrueRequestAndTheDriverNeverNoticesTheRewrite(boolean packed, boolean indirect,
            MemoryTarget target) {
        InMemoryDisk disk = new InMemoryDisk(SECTORS * 512L);
        RewriteFirst hook = new RewriteFirst(target);
        FakeRig rig = FakeRig.of(FakeBlkConfig.builder().disk(disk).offerPackedRing(packed)
                .offerIndirectDescriptors(indirect).requestHook(hook).build());
        VirtioBlkDevice device = rig.open(FakeRig.TEST_OPTIONS.withPackedRing(packed).withIndirectDescriptors(indirect)
                .withPooledBuffers(true));
        byte[] data = new byte[4 * 512];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7 + 3);
        }
        device.writeAt(8, data);
        assertNotNull(hook.first, "the device fetched the write");

        List<MemorySpan> spans = hook.first.spans(target);
        boolean expected = switch (target) {
            case INDIRECT_TABLE -> indirect;
            case AVAILABLE_RING -> !packed;
            default -> true;
        };
        assertEquals(expected, !spans.isEmpty(), "where the chain keeps " + target + ": " + spans);
        // The used descriptor the device then writes over a packed chain's first position replaces its
        // length and id: of a packed descriptor only the address still holds the pattern.
        for (MemorySpan span : hook.first.watched(target)) {
            byte[] filled = new byte[(int) span.length()];
            Arrays.fill(filled, (byte) PATTERN);
            assertArrayEquals(filled, rig.platform().readMemory(span.address(), (int) span.length()),
                    target + " at 0x" + Long.toHexString(span.address()));
        }
        byte[] onDisk = new byte[data.length];
        disk.read(8 * 512L, onDisk, 0, onDisk.length);
        assertArrayEquals(data, onDisk, "the device wrote what the driver asked before the rewrite");

        byte[] back = new byte[data.length];
        device.readAt(8, back);
        assertArrayEquals(data, back, "the driver goes on working");
        assertEquals(List.of(), rig.platform().violations());
    }
}
