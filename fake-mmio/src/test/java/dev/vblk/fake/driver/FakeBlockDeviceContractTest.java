package dev.vblk.fake.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.block.BlockDevice;
import dev.vblk.contract.BlockDeviceContractTest;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fake.disk.InMemoryDisk;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The BlockDevice contract on the fake device; every test also leaves no platform violation behind. */
class FakeBlockDeviceContractTest extends BlockDeviceContractTest {

    private final List<FakeRig> rigs = new ArrayList<>();

    @Override
    protected BlockDevice writableDevice() {
        FakeRig rig = FakeRig.of(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(CAPACITY_SECTORS)).build());
        rigs.add(rig);
        return rig.open();
    }

    @Override
    protected BlockDevice readOnlyDevice() {
        InMemoryDisk disk = InMemoryDisk.ofSectors(CAPACITY_SECTORS);
        byte[] contents = pattern(0, (int) CAPACITY_SECTORS);
        disk.write(0, contents, 0, contents.length);
        FakeRig rig = FakeRig.of(FakeBlkConfig.builder().disk(disk).readOnly(true).build());
        rigs.add(rig);
        return rig.open();
    }

    @Override
    protected BlockDevice deviceWithoutDiscardOrWriteZeroes() {
        long features = VirtioBlk.QEMU_DEFAULT_FEATURES & ~VirtioBlk.bit(VirtioBlk.F_DISCARD)
                & ~VirtioBlk.bit(VirtioBlk.F_WRITE_ZEROES);
        FakeRig rig = FakeRig.of(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(CAPACITY_SECTORS)).features(features)
                .build());
        rigs.add(rig);
        return rig.open();
    }

    @AfterEach
    void noViolations() {
        for (FakeRig rig : rigs) {
            assertEquals(List.of(), rig.platform().violations(), "the driver broke no platform rule");
        }
    }
}
