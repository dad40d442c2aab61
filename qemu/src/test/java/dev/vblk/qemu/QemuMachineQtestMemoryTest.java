package dev.vblk.qemu;

/** {@link QemuMachineTest} with guest RAM reached by qtest memory commands only. */
class QemuMachineQtestMemoryTest extends QemuMachineTest {

    @Override
    boolean sharedMemory() {
        return false;
    }
}
