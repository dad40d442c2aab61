package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.block.ErrorKind;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Random sequences of reads, writes, write-zeroes and flushes on the fake device agree with a plain
 * byte array, including requests that reach past the end and requests split across SEG_MAX limits
 * and fragmented memory.
 */
class DriverModelProperties {

    static final int SECTORS = 512;

    sealed interface Op permits Read, Write, Zero, Flush {}

    record Read(long sector, int count) implements Op {}

    record Write(long sector, int count, byte seed) implements Op {}

    record Zero(long sector, int count) implements Op {}

    record Flush() implements Op {}

    @Property(tries = 1000)
    void driverAgreesWithAByteArray(@ForAll("operations") List<Op> ops, @ForAll("segMax") int segMax,
            @ForAll boolean fragmented) {
        FakeRig rig = FakeRig.of(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(SECTORS)).segMax(segMax).build());
        rig.platform().allocatorFaults().refuseMultiFrame(fragmented);
        VirtioBlkDevice device = rig.open();
        byte[] model = new byte[SECTORS * 512];
        for (Op op : ops) {
            apply(device, model, op);
        }
        byte[] whole = new byte[model.length];
        device.readAt(0, whole);
        assertArrayEquals(model, whole);
        assertEquals(List.of(), rig.platform().violations());
    }

    private static void apply(VirtioBlkDevice device, byte[] model, Op op) {
        if (op instanceof Read read) {
            byte[] buffer = new byte[read.count() * 512];
            if (outOfRange(read.sector(), read.count())) {
                expect(ErrorKind.OUT_OF_RANGE, () -> device.readAt(read.sector(), buffer));
            } else {
                device.readAt(read.sector(), buffer);
                int from = (int) read.sector() * 512;
                assertArrayEquals(Arrays.copyOfRange(model, from, from + buffer.length), buffer);
            }
        } else if (op instanceof Write write) {
            byte[] data = new byte[write.count() * 512];
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (write.seed() + i * 13);
            }
            if (outOfRange(write.sector(), write.count())) {
                expect(ErrorKind.OUT_OF_RANGE, () -> device.writeAt(write.sector(), data));
            } else {
                device.writeAt(write.sector(), data);
                System.arraycopy(data, 0, model, (int) write.sector() * 512, data.length);
            }
        } else if (op instanceof Zero zero) {
            if (outOfRange(zero.sector(), zero.count())) {
                expect(ErrorKind.OUT_OF_RANGE, () -> device.writeZeroes(zero.sector(), zero.count()));
            } else {
                device.writeZeroes(zero.sector(), zero.count());
                Arrays.fill(model, (int) zero.sector() * 512, (int) (zero.sector() + zero.count()) * 512, (byte) 0);
            }
        } else {
            device.flush();
        }
    }

    private static boolean outOfRange(long sector, int count) {
        return sector + count > SECTORS;
    }

    private static void expect(ErrorKind kind, Runnable call) {
        try {
            call.run();
        } catch (BlockDeviceException e) {
            assertEquals(kind, e.kind(), e.getMessage());
            return;
        }
        throw new AssertionError("expected " + kind);
    }

    @Provide
    Arbitrary<Integer> segMax() {
        return Arbitraries.of(1, 2, 3, 8, 254);
    }

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Long> sector = Arbitraries.longs().between(0, SECTORS - 1);
        Arbitrary<Integer> count = Arbitraries.integers().between(1, 300);
        Arbitrary<Op> read = Combinators.combine(sector, count).as(Read::new);
        Arbitrary<Op> write = Combinators.combine(sector, count, Arbitraries.bytes()).as(Write::new);
        Arbitrary<Op> zero = Combinators.combine(sector, count).as(Zero::new);
        Arbitrary<Op> flush = Arbitraries.just(new Flush());
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, read), net.jqwik.api.Tuple.of(4, write),
                net.jqwik.api.Tuple.of(1, zero), net.jqwik.api.Tuple.of(1, flush))
                .list().ofMaxSize(12);
    }
}
