package dev.vblk.fake.blk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.platform.AccessWidth;
import org.junit.jupiter.api.Test;

/**
 * What each {@link MemoryLie} writes on a split ring, seen from a register-level driver (the packed
 * ring's lies are judged through the driver in {@code MemoryLieDriverTest}).
 */
class MemoryLieTest {

    private static final long CAPACITY = 64;

    private static RegisterLevelDriver driverLying(MemoryLie lie) {
        return RegisterLevelDriver.ready(FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(CAPACITY))
                .requestHook(RequestHook.NORMAL.at(1, RequestOutcome.lying(RequestOutcome.normal(), lie))).build());
    }

    @Test
    void usedIndexMovesBackwardsUntilTheNextPublication() {
        RegisterLevelDriver driver = driverLying(new UsedIndexLie(UsedIndexLie.Kind.BACKWARDS, 3));
        driver.readSectors(0, 1);
        RegisterLevelDriver.Submitted lied = driver.readSectors(1, 1);
        assertEquals(0xffff, driver.usedIdx(), "2, moved 3 back");
        assertEquals(lied.head(), driver.usedId(1), "the element itself was written");
        driver.readSectors(2, 1);
        assertEquals(3, driver.usedIdx(), "the true index again");
    }

    @Test
    void usedIndexJumpsBeyondTheQueue() {
        RegisterLevelDriver driver = driverLying(new UsedIndexLie(UsedIndexLie.Kind.BEYOND_QUEUE, 5));
        driver.readSectors(0, 1);
        driver.readSectors(1, 1);
        assertEquals(2 + 16 + 5, driver.usedIdx());
    }

    @Test
    void usedIndexIsRewrittenRightAfterTheDriverReadsIt() {
        RegisterLevelDriver driver = driverLying(new UsedIndexLie(UsedIndexLie.Kind.REWRITTEN_AFTER_READ, 2));
        driver.readSectors(0, 1);
        driver.readSectors(1, 1);
        assertEquals(2, driver.usedIdx(), "unread, the index is true");
        assertEquals(2, driver.platform.readU16(driver.used + 2), "the driver's first read sees the true index");
        assertEquals(0, driver.platform.readU16(driver.used + 2), "its second read sees it 2 back");
        assertEquals(0, driver.usedIdx());
    }

    @Test
    void usedElementNamesTheSecondDescriptorOfItsChain() {
        RegisterLevelDriver driver = driverLying(new UsedIdLie());
        driver.readSectors(0, 1);
        RegisterLevelDriver.Submitted lied = driver.readSectors(1, 1);
        assertEquals(lied.head() + 1, driver.usedId(1), "header at the head, then the data descriptor");
    }

    @Test
    void suppressionFieldsAreRewrittenWhereEachLies() {
        for (SuppressionLie.Field field : SuppressionLie.Field.values()) {
            RegisterLevelDriver driver = driverLying(new SuppressionLie(field, 0xbeef));
            driver.readSectors(0, 1);
            driver.readSectors(1, 1);
            long address = switch (field) {
                case DRIVER_FLAGS -> driver.avail;
                case DRIVER_EVENT -> driver.usedEventAddress();
                case DEVICE_FLAGS -> driver.used;
                case DEVICE_EVENT -> driver.availEventAddress();
            };
            assertEquals(0xbeef, driver.platform.ram().readU16(address), field.name());
        }
    }

    @Test
    void capacityTearsAcrossItsHalvesAndTheGenerationMarksEachChange() {
        long passing = (5L << 32) | 0x1234;
        RegisterLevelDriver driver = driverLying(new ConfigTear(passing));
        driver.readSectors(0, 1);
        int before = (int) driver.read(ControlRegister.CONFIG_GENERATION);
        driver.readSectors(1, 1);
        int signalled = (int) driver.read(ControlRegister.CONFIG_GENERATION);
        assertEquals(before + 1, signalled, "the config change");
        assertEquals(CAPACITY, driver.readConfig(0, AccessWidth.WORD), "the low half still true");
        assertEquals(5, driver.readConfig(4, AccessWidth.WORD), "the high half of the passing capacity");
        assertEquals(signalled + 2, driver.read(ControlRegister.CONFIG_GENERATION), "on and off again");
        long retried = driver.readConfig(0, AccessWidth.WORD) | driver.readConfig(4, AccessWidth.WORD) << 32;
        assertEquals(CAPACITY, retried, "a retry reads the true capacity");
    }
}
