package dev.vblk.qemu.driver;

/** {@link QemuBlockDeviceContractTest} with guest RAM reached by qtest memory commands only. */
class QemuQtestMemoryContractTest extends QemuBlockDeviceContractTest {

    @Override
    boolean sharedMemory() {
        return false;
    }
}
