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
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BlockDevice contract against QEMU's real virtio-blk device: one QEMU with a writable and a
 * read-only drive, and one whose device has discard and write-zeroes turned off; guest RAM shared
 * with QEMU ({@link QemuQtestMemoryContractTest}: over qtest memory commands;
 * {@link QemuPackedRingContractTest}: the packed ring), completions taken from interrupts
 * ({@link QemuPollingContractTest}: by polling). Each test's devices are closed after it, giving
 * their buffers back to guest RAM.
 */
@RequiresQemu
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QemuBlockDeviceContractTest extends BlockDeviceContractTest {

    @TempDir
    static Path directory;

    private QemuMachine machine;
    private QemuMachine withoutRangeCommands;
    private final List<VirtioBlkDevice> opened = new ArrayList<>();

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
                .extraArgs(deviceGlobals().toArray(String[]::new))
                .build());
        Path plain = directory.resolve("plain.img");
        Files.write(plain, new byte[(int) CAPACITY_SECTORS * 512]);
        withoutRangeCommands = QemuMachine.start(QemuConfig.builder().drive(DriveConfig.raw(plain))
                .sharedMemory(sharedMemory())
                .extraArgs(Stream.concat(deviceGlobals().stream(), Stream.of("-global", "virtio-blk-device.discard=off",
                        "-global", "virtio-blk-device.write-zeroes=off")).toArray(String[]::new))
                .build());
    }

    /** Whether the machine's guest RAM is shared with QEMU. */
    boolean sharedMemory() {
        return true;
    }

    /** Command-line arguments every machine's devices get; none here. */
    List<String> deviceGlobals() {
        return List.of();
    }

    /** The driver's options for every device. */
    DriverOptions options() {
        return DriverOptions.DEFAULTS;
    }

    @AfterEach
    void closeDevices() {
        opened.forEach(VirtioBlkDevice::close);
        opened.clear();
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
        return openWritable();
    }

    @Override
    protected BlockDevice readOnlyDevice() {
        return open(1);
    }

    @Override
    protected BlockDevice deviceWithoutDiscardOrWriteZeroes() {
        return open(withoutRangeCommands, 0);
    }

    private BlockDevice open(int drive) {
        return open(machine, drive);
    }

    /** The driver on drive {@code drive} of the first machine. */
    VirtioBlkDevice openWritable() {
        return open(machine, 0);
    }

    private VirtioBlkDevice open(QemuMachine on, int drive) {
        var attached = on.drive(drive);
        MmioSlot slot = new MmioSlot(attached.slot(), attached.transportAddress(), attached.interruptLine());
        VirtioBlkDevice device = VirtioBlkDevice.open(on.platform(), slot, options());
        opened.add(device);
        return device;
    }
}
