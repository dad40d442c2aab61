package dev.vblk.fake.blk;

import static dev.vblk.fake.blk.VirtioBlk.bit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.mmio.ControlRegister;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.platform.AccessWidth;
import org.junit.jupiter.api.Test;

class HandshakeTest {

    private final RegisterLevelDriver driver =
            new RegisterLevelDriver(FakePlatform.create(), FakeBlkConfig.builder().build());

    private boolean featuresOk(long status) {
        return (status & VirtioBlk.STATUS_FEATURES_OK) != 0;
    }

    @Test
    void identifiesAsQemuVirtioBlk() {
        assertEquals(ControlRegister.MAGIC, driver.read(ControlRegister.MAGIC_VALUE));
        assertEquals(2, driver.read(ControlRegister.VERSION));
        assertEquals(2, driver.read(ControlRegister.DEVICE_ID));
        assertEquals(ControlRegister.QEMU_VENDOR, driver.read(ControlRegister.VENDOR_ID));
        assertEquals(256, driver.read(ControlRegister.QUEUE_NUM_MAX));
    }

    @Test
    void offersQemuFeaturesInTwoPages() {
        driver.write(ControlRegister.DEVICE_FEATURES_SEL, 0);
        long low = driver.read(ControlRegister.DEVICE_FEATURES);
        driver.write(ControlRegister.DEVICE_FEATURES_SEL, 1);
        long high = driver.read(ControlRegister.DEVICE_FEATURES);
        driver.write(ControlRegister.DEVICE_FEATURES_SEL, 2);
        long beyond = driver.read(ControlRegister.DEVICE_FEATURES);
        assertEquals(VirtioBlk.QEMU_DEFAULT_FEATURES, low | (high << 32));
        assertEquals(0, beyond);
    }

    @Test
    void readOnlyDiskOffersRo() {
        FakeVirtioBlkDevice device = FakePlatform.create()
                .attachBlockDevice(FakeBlkConfig.builder().readOnly(true).build());
        assertEquals(VirtioBlk.QEMU_DEFAULT_FEATURES | bit(VirtioBlk.F_RO), device.offeredFeatures());
    }

    @Test
    void acceptsOfferedFeaturesWithVersion1() {
        assertTrue(featuresOk(driver.negotiate(RegisterLevelDriver.DEFAULT_FEATURES)));
        assertEquals(RegisterLevelDriver.DEFAULT_FEATURES, driver.device.negotiatedFeatures());
    }

    @Test
    void refusesFeaturesNotOffered() {
        assertEquals(false, featuresOk(driver.negotiate(bit(VirtioBlk.F_VERSION_1) | bit(VirtioBlk.F_RO))));
    }

    @Test
    void refusesFeaturesWithoutVersion1() {
        assertEquals(false, featuresOk(driver.negotiate(bit(VirtioBlk.F_FLUSH))));
    }

    @Test
    void refusesFeaturesInPagesBeyondTheSecond() {
        driver.write(ControlRegister.STATUS, VirtioBlk.STATUS_ACKNOWLEDGE | VirtioBlk.STATUS_DRIVER);
        driver.write(ControlRegister.DRIVER_FEATURES_SEL, 1);
        driver.write(ControlRegister.DRIVER_FEATURES, 1);
        driver.write(ControlRegister.DRIVER_FEATURES_SEL, 2);
        driver.write(ControlRegister.DRIVER_FEATURES, 1);
        driver.write(ControlRegister.STATUS, 0xb);
        assertEquals(false, featuresOk(driver.read(ControlRegister.STATUS)));
    }

    @Test
    void refusalFaultClearsFeaturesOk() {
        driver.device.faults().refuseFeaturesOk(true);
        assertEquals(false, featuresOk(driver.negotiate(RegisterLevelDriver.DEFAULT_FEATURES)));
        driver.device.faults().refuseFeaturesOk(false);
        assertTrue(featuresOk(driver.negotiate(RegisterLevelDriver.DEFAULT_FEATURES)));
    }

    @Test
    void withheldFeaturesAreNotOfferedAndCannotBeAccepted() {
        driver.device.faults().withholdFeatures(bit(VirtioBlk.F_FLUSH));
        driver.write(ControlRegister.DEVICE_FEATURES_SEL, 0);
        assertEquals(0, driver.read(ControlRegister.DEVICE_FEATURES) & bit(VirtioBlk.F_FLUSH));
        assertEquals(false, featuresOk(driver.negotiate(RegisterLevelDriver.DEFAULT_FEATURES)));
    }

    @Test
    void featureWritesAfterFeaturesOkAreIgnoredAndRecorded() {
        driver.negotiate(RegisterLevelDriver.DEFAULT_FEATURES);
        driver.write(ControlRegister.DRIVER_FEATURES_SEL, 0);
        driver.write(ControlRegister.DRIVER_FEATURES, 0);
        assertEquals(RegisterLevelDriver.DEFAULT_FEATURES, driver.device.negotiatedFeatures());
        assertEquals(ViolationKind.FEATURES_AFTER_FEATURES_OK,
                driver.platform.violations().get(0).kind());
    }

    @Test
    void driverOkWithoutFeaturesOkIsRecorded() {
        driver.write(ControlRegister.STATUS, VirtioBlk.STATUS_ACKNOWLEDGE | VirtioBlk.STATUS_DRIVER
                | VirtioBlk.STATUS_DRIVER_OK);
        assertEquals(ViolationKind.STATUS_SEQUENCE, driver.platform.violations().get(0).kind());
    }

    @Test
    void resetRestoresDefaults() {
        driver.negotiate(RegisterLevelDriver.DEFAULT_FEATURES);
        driver.setUpQueue(16);
        driver.driverOk();
        driver.platform.writeRegister(driver.base + ControlRegister.CONFIG_OFFSET + 32, AccessWidth.BYTE, 0);
        assertEquals(0, driver.device.writeback());
        driver.device.signalConfigChange();
        assertEquals(VirtioBlk.INTERRUPT_CONFIG_CHANGE, driver.read(ControlRegister.INTERRUPT_STATUS));

        driver.write(ControlRegister.STATUS, 0);

        assertEquals(0, driver.read(ControlRegister.STATUS));
        assertEquals(0, driver.device.negotiatedFeatures());
        assertEquals(0, driver.read(ControlRegister.QUEUE_READY));
        assertEquals(0, driver.read(ControlRegister.INTERRUPT_STATUS));
        assertEquals(1, driver.readConfig(32, AccessWidth.BYTE));
        assertEquals(false, driver.platform.awaitInterrupt(driver.platform.interruptLine(driver.slot), 0));
    }

    @Test
    void writebackNeedsConfigWce() {
        driver.negotiate(bit(VirtioBlk.F_VERSION_1));
        driver.platform.writeRegister(driver.base + ControlRegister.CONFIG_OFFSET + 32, AccessWidth.BYTE, 0);
        assertEquals(1, driver.readConfig(32, AccessWidth.BYTE));
        assertEquals(ViolationKind.CONFIG_WRITE, driver.platform.violations().get(0).kind());
    }

    @Test
    void configSpaceHasVirtioBlkLayout() {
        FakeBlkConfig config = FakeBlkConfig.builder()
                .disk(dev.vblk.fake.disk.InMemoryDisk.ofSectors(4096))
                .topology(new FakeBlkConfig.Topology(3, 1, 8, 64))
                .build();
        RegisterLevelDriver d = new RegisterLevelDriver(FakePlatform.create(), config);
        assertEquals(4096, d.readConfig(0, AccessWidth.WORD) | (d.readConfig(4, AccessWidth.WORD) << 32));
        assertEquals(254, d.readConfig(12, AccessWidth.WORD));
        assertEquals(16, d.readConfig(18, AccessWidth.BYTE));
        assertEquals(63, d.readConfig(19, AccessWidth.BYTE));
        assertEquals(512, d.readConfig(20, AccessWidth.WORD));
        assertEquals(3, d.readConfig(24, AccessWidth.BYTE));
        assertEquals(8, d.readConfig(26, AccessWidth.HALF));
        assertEquals(64, d.readConfig(28, AccessWidth.WORD));
        assertEquals(1, d.readConfig(32, AccessWidth.BYTE));
        assertEquals(0x3fffff, d.readConfig(36, AccessWidth.WORD));
        assertEquals(1, d.readConfig(40, AccessWidth.WORD));
        assertEquals(0x3fffff, d.readConfig(48, AccessWidth.WORD));
        assertEquals(1, d.readConfig(56, AccessWidth.BYTE));
        assertTrue(d.platform.violations().isEmpty());
        assertEquals(0xffffffffL, d.readConfig(56, AccessWidth.WORD));
        assertEquals(ViolationKind.CONFIG_OUT_OF_RANGE, d.platform.violations().get(0).kind());
    }

    @Test
    void queueNumAboveMaximumIsIgnoredAndRecorded() {
        driver.write(ControlRegister.QUEUE_NUM, 512);
        driver.write(ControlRegister.QUEUE_NUM, 12);
        assertEquals(ViolationKind.QUEUE_SETUP, driver.platform.violations().get(0).kind());
        assertTrue(driver.platform.violations().get(1).detail().contains("power of two"));
    }
}
