package dev.vblk.qemu.pci;

import dev.vblk.block.BlockDevice;
import dev.vblk.contract.BlockDeviceContractTest;
import dev.vblk.pci.PciAddress;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.junit.RequiresQemu;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BlockDevice contract against QEMU's real virtio-blk-pci function, found by enumerating PCI bus
 * 0 and driven over the virtio-pci transport: one QEMU with a writable and a read-only PCI drive,
 * and one whose function has discard and write-zeroes turned off.
 */
@RequiresQemu
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuPciBlockDeviceContractTest extends BlockDeviceContractTest {

    @TempDir
    static Path directory;

    private QemuMachine machine;
    private QemuMachine withoutRangeCommands;

    @BeforeAll
    void startQemu() throws IOException {
        Path writable = directory.resolve("writable.img");
        Files.write(writable, new byte[(int) CAPACITY_SECTORS * 512]);
        Path readOnly = directory.resolve("read-only.img");
        Files.write(readOnly, pattern(0, (int) CAPACITY_SECTORS));
        machine = QemuMachine.start(QemuConfig.builder()
                .pciDrive(DriveConfig.raw(writable))
                .pciDrive(DriveConfig.raw(readOnly).asReadOnly())
                .build());
        Path plain = directory.resolve("plain.img");
        Files.write(plain, new byte[(int) CAPACITY_SECTORS * 512]);
        withoutRangeCommands = QemuMachine.start(QemuConfig.builder().pciDrive(DriveConfig.raw(plain))
                .extraArgs("-global", "virtio-blk-pci.discard=off", "-global", "virtio-blk-pci.write-zeroes=off")
                .build());
    }

    @AfterAll
    void stopQemu() {
        for (QemuMachine started : new QemuMachine[] {machine, withoutRangeCommands}) {
            if (started != null) {
                started.close();
            }
        }
    }

    @Override
    protected BlockDevice writableDevice() {
        return open(machine, 0);
    }

    @Override
    protected BlockDevice readOnlyDevice() {
        return open(machine, 1);
    }

    @Override
    protected BlockDevice deviceWithoutDiscardOrWriteZeroes() {
        return open(withoutRangeCommands, 0);
    }

    private static BlockDevice open(QemuMachine on, int drive) {
        PciAddress address = on.pciDrives().get(drive).address();
        return QemuPciTest.open(on, address);
    }
}
