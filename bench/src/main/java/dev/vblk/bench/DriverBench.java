package dev.vblk.bench;

import dev.vblk.discovery.MmioWindow;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.session.BlockOperation;
import dev.vblk.session.BoardParameters;
import dev.vblk.session.DriverSession;
import dev.vblk.virtio.blk.DriverOptions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The driver against the fake device, one request at a time (queue depth 1): 4 KiB reads and
 * writes at rotating sectors, requests per second.
 */
@State(Scope.Thread)
public class DriverBench extends Throughput {

    private static final int SECTORS = 1 << 14;

    private DriverSession session;
    private final byte[] data = new byte[4096];
    private long sector;

    /** A fake machine with one block device, discovered by the driver. */
    @Setup
    public void setUp() {
        FakePlatform machine = FakePlatform.create();
        machine.attachBlockDevice(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(SECTORS)).build());
        session = DriverSession.discover(machine, new BoardParameters(MmioWindow.QEMU_VIRT, DriverOptions.DEFAULTS));
    }

    /** One 4 KiB read. */
    @Benchmark
    public byte[] read4k() {
        return session.perform(BlockOperation.read(BenchTraces.DEVICE, nextSector(), 8));
    }

    /** One 4 KiB write. */
    @Benchmark
    public byte[] write4k() {
        return session.perform(BlockOperation.write(BenchTraces.DEVICE, nextSector(), data));
    }

    private long nextSector() {
        sector = (sector + 8) % SECTORS;
        return sector;
    }
}
