package dev.vblk.qemu.driver;

import dev.vblk.block.BlockDevice;
import dev.vblk.contract.BlockDeviceContractTest;
import dev.vblk.qemu.DriveConfig;
import dev.vblk.qemu.QemuConfig;
import dev.vblk.qemu.QemuMachine;
import dev.vblk.qemu.junit.RequiresQemu;
import dev.vblk.virtio.MmioSlot;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BlockDevice contract against QEMU's real virtio-blk device: one QEMU, a writable and a read-only
 * drive, guest RAM shared with QEMU ({@link QemuQtestMemoryContractTest}: over qtest memory commands).
 */
@RequiresQemu
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuBlockDeviceContractTest extends BlockDeviceContractTest {

    @TempDir
    static Path directory;

    private QemuMachine machine;

    @BeforeAll
    void startQemu() throws IOException {
        Path writable = directory.resolve("writable.img");
        Files.write(writable, new byte[(int) CAPACITY_SECTORS * 512]);
        Path readOnly = directory.resolve("read-only.img");
        Files.write(readOnly, pattern(0, (int) CAPACITY_SECTORS));
        machine = QemuMachine.start(QemuConfig.builder()
                .drive(DriveConfig.raw(writable))
                .drive(DriveConfig.raw(readOnly).asReadOnly())
                .sharedMemory(sharedMemory())
                .build());
    }

    /** Whether the machine's guest RAM is shared with QEMU. */
    boolean sharedMemory() {
        return true;
    }

    @AfterAll
    void stopQemu() {
        if (machine != null) {
            machine.close();
        }
    }

    @Override
    protected BlockDevice writableDevice() {
        return open(0);
    }

    @Override
    protected BlockDevice readOnlyDevice() {
        return open(1);
    }

    private BlockDevice open(int drive) {
        var attached = machine.drive(drive);
        MmioSlot slot = new MmioSlot(attached.slot(), attached.transportAddress(), attached.interruptLine());
        return VirtioBlkDevice.open(machine.platform(), slot, DriverOptions.DEFAULTS);
    }
}
