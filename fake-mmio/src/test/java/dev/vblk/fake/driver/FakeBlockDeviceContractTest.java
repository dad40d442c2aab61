package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.block.BlockDevice;
import dev.vblk.contract.BlockDeviceContractTest;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The BlockDevice contract on the fake device; every test also leaves no platform violation behind. */
class FakeBlockDeviceContractTest extends BlockDeviceContractTest {

    private final List<FakeRig> rigs = new ArrayList<>();

    @Override
    protected BlockDevice writableDevice() {
        return open(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(CAPACITY_SECTORS)));
    }

    @Override
    protected BlockDevice readOnlyDevice() {
        InMemoryDisk disk = InMemoryDisk.ofSectors(CAPACITY_SECTORS);
        byte[] contents = pattern(0, (int) CAPACITY_SECTORS);
        disk.write(0, contents, 0, contents.length);
        return open(FakeBlkConfig.builder().disk(disk).readOnly(true));
    }

    @Override
    protected BlockDevice deviceWithoutDiscardOrWriteZeroes() {
        long features = VirtioBlk.QEMU_DEFAULT_FEATURES & ~VirtioBlk.bit(VirtioBlk.F_DISCARD)
                & ~VirtioBlk.bit(VirtioBlk.F_WRITE_ZEROES);
        return open(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(CAPACITY_SECTORS)).features(features));
    }

    /** The driver, with {@link #options()}, on a fake device built from {@code config} and {@link #configure}. */
    protected final VirtioBlkDevice open(FakeBlkConfig.Builder config) {
        FakeRig rig = FakeRig.of(configure(config).build());
        rigs.add(rig);
        return rig.open(options());
    }

    /** What a subclass changes in every device's configuration; nothing here. */
    protected FakeBlkConfig.Builder configure(FakeBlkConfig.Builder config) {
        return config;
    }

    /** The driver's options in every test. */
    protected DriverOptions options() {
        return FakeRig.TEST_OPTIONS;
    }

    @AfterEach
    void noViolations() {
        for (FakeRig rig : rigs) {
            assertEquals(List.of(), rig.platform().violations(), "the driver broke no platform rule");
        }
    }
}
