package dev.vblk.fake.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.block.BlockDevice;
import dev.vblk.contract.BlockDeviceContractTest;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.VirtioBlk;
import dev.vblk.fake.disk.InMemoryDisk;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The BlockDevice contract over the fake virtio-blk-pci function; no test leaves a platform violation. */
class FakePciBlockDeviceContractTest extends BlockDeviceContractTest {

    private final List<FakePciRig> rigs = new ArrayList<>();

    private BlockDevice open(FakeBlkConfig config) {
        FakePciRig rig = FakePciRig.of(config);
        rigs.add(rig);
        return rig.open();
    }

    @Override
    protected BlockDevice writableDevice() {
        return open(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(CAPACITY_SECTORS)).build());
    }

    @Override
    protected BlockDevice readOnlyDevice() {
        InMemoryDisk disk = InMemoryDisk.ofSectors(CAPACITY_SECTORS);
        byte[] contents = pattern(0, (int) CAPACITY_SECTORS);
        disk.write(0, contents, 0, contents.length);
        return open(FakeBlkConfig.builder().disk(disk).readOnly(true).build());
    }

    @Override
    protected BlockDevice deviceWithoutDiscardOrWriteZeroes() {
        long features = VirtioBlk.QEMU_DEFAULT_FEATURES & ~VirtioBlk.bit(VirtioBlk.F_DISCARD)
                & ~VirtioBlk.bit(VirtioBlk.F_WRITE_ZEROES);
        return open(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(CAPACITY_SECTORS)).features(features).build());
    }

    @AfterEach
    void noViolations() {
        for (FakePciRig rig : rigs) {
            assertEquals(List.of(), rig.platform().violations(), "the driver broke no platform rule");
        }
    }
}
