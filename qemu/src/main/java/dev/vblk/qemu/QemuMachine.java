package dev.vblk.qemu;

import dev.vblk.pci.PciHostBridge;
import dev.vblk.platform.AccessWidth;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A running QEMU {@code virt} machine with its drives attached, ready to be driven: the entry point
 * of the QEMU backend.
 *
 * <p>{@link #start(QemuConfig)} launches QEMU, connects QMP, finds the GIC and intercepts its
 * inputs over qtest, and checks that each drive's virtio-blk device is where QEMU puts it (first
 * drive in slot 31, next in slot 30, ...; PCI drives at 00:01.0, 00:02.0, ... in ECAM). Unless the configuration says otherwise, guest RAM is a
 * {@link SharedGuestRam} file that QEMU and this process both map. {@link #close()} asks QEMU to quit,
 * ends it if it does not, deletes its temporary directory and releases the shared RAM.
 */
public final class QemuMachine implements AutoCloseable {

    /** The QOM container holding the GIC among the machine's unnamed children. */
    static final String UNATTACHED = "/machine/unattached";

    /** The QOM type of the virt machine's default (version 2) GIC. */
    static final String GIC_TYPE = "arm_gic";

    private static final long DEVICE_ID_REGISTER = 0x008;
    private static final long BLOCK_DEVICE_ID = 2;
    private static final long QUIT_GRACE_MILLIS = 2000;
    /** Device ID 0x1042 above vendor ID 0x1af4: a modern-only virtio block function. */
    private static final long MODERN_VIRTIO_BLK_PCI_IDS = 0x1042_1af4L;

    private final QemuConfig config;
    private final QemuProcess process;
    private final QmpClient qmp;
    private final QtestClient qtest;
    private final Optional<SharedGuestRam> sharedRam;
    private final QemuPlatform platform;
    private final List<AttachedDrive> drives;
    private final List<AttachedPciDrive> pciDrives;
    private final String gicPath;
    private boolean closed;

    private QemuMachine(QemuConfig config, QemuProcess process, QmpClient qmp, QtestClient qtest, String gicPath,
            Optional<SharedGuestRam> sharedRam) {
        this.config = config;
        this.process = process;
        this.qmp = qmp;
        this.qtest = qtest;
        this.gicPath = gicPath;
        this.sharedRam = sharedRam;
        GuestMemory memory = sharedRam.isPresent() ? sharedRam.get() : new QtestGuestMemory(qtest);
        this.platform = new QemuPlatform(qtest, memory, VirtMachine.RAM_BASE, config.ramBytes(), this);
        List<AttachedDrive> attached = new ArrayList<>();
        for (int i = 0; i < config.drives().size(); i++) {
            int slot = VirtMachine.slotOfDevice(i);
            attached.add(new AttachedDrive(i, config.drives().get(i), slot, VirtMachine.transportAddress(slot),
                    VirtMachine.interruptLine(slot), QemuProcess.driveId(i), QemuProcess.deviceId(i)));
        }
        this.drives = List.copyOf(attached);
        List<AttachedPciDrive> functions = new ArrayList<>();
        for (int i = 0; i < config.pciDrives().size(); i++) {
            functions.add(new AttachedPciDrive(i, config.pciDrives().get(i), VirtMachine.pciAddressOfDevice(i),
                    QemuProcess.pciDriveId(i), QemuProcess.pciDeviceId(i)));
        }
        this.pciDrives = List.copyOf(functions);
    }

    /**
     * Starts QEMU and prepares the machine.
     *
     * @throws QemuException if QEMU cannot be found or started, exits (for instance because an image
     *     cannot be opened; the message quotes QEMU's stderr), or the machine is not as expected
     */
    public static QemuMachine start(QemuConfig config) {
        Optional<SharedGuestRam> sharedRam = config.sharedMemory()
                ? Optional.of(SharedGuestRam.create(VirtMachine.RAM_BASE, config.ramBytes()))
                : Optional.empty();
        QemuProcess process = null;
        QmpClient qmp = null;
        try {
            process = QemuProcess.start(config, sharedRam.map(SharedGuestRam::file));
            qmp = QmpClient.connect(process, config.replyTimeout());
            QtestClient qtest = QtestClient.of(process, config.replyTimeout());
            String gic = findGic(qmp);
            qtest.irqInterceptIn(gic);
            // QEMU answers only once the machine, and so its RAM mapping, exists: the name can go.
            sharedRam.ifPresent(SharedGuestRam::unlink);
            QemuMachine machine = new QemuMachine(config, process, qmp, qtest, gic, sharedRam);
            machine.checkDrives();
            return machine;
        } catch (RuntimeException e) {
            if (qmp != null) {
                qmp.close();
            }
            if (process != null) {
                process.close();
            }
            sharedRam.ifPresent(SharedGuestRam::close);
            throw e;
        }
    }

    /** The QOM path of the machine's one GIC version 2, whose inputs carry the virtio-mmio interrupts. */
    static String findGic(QmpClient qmp) {
        List<QomProperty> children = qmp.qomList(UNATTACHED);
        List<String> gics = children.stream()
                .filter(child -> child.childType().filter(GIC_TYPE::equals).isPresent())
                .map(child -> UNATTACHED + "/" + child.name())
                .collect(Collectors.toList());
        if (gics.size() != 1) {
            throw new QemuException("expected one " + GIC_TYPE + " under " + UNATTACHED + " but found " + gics.size()
                    + " among " + children.stream().map(QomProperty::type).distinct().sorted().collect(Collectors.toList())
                    + "; the machine must use the default GIC version 2");
        }
        return gics.get(0);
    }

    private void checkDrives() {
        for (AttachedDrive drive : drives) {
            long id = qtest.read(AccessWidth.WORD, drive.transportAddress() + DEVICE_ID_REGISTER);
            if (id != BLOCK_DEVICE_ID) {
                throw new QemuException("drive " + drive.index() + " was expected in virtio-mmio slot " + drive.slot()
                        + " at 0x" + Long.toHexString(drive.transportAddress()) + " but that slot holds device id " + id
                        + "; do extra arguments add virtio devices before the drives?");
            }
        }
        for (AttachedPciDrive drive : pciDrives) {
            long ids = qtest.read(AccessWidth.WORD, PciHostBridge.QEMU_VIRT.configAddress(drive.address(), 0));
            if (ids != MODERN_VIRTIO_BLK_PCI_IDS) {
                throw new QemuException("PCI drive " + drive.index() + " was expected at " + drive.address()
                        + " as virtio-blk-pci (vendor:device 1af4:1042) but its configuration space reads 0x"
                        + Long.toHexString(ids) + "; is the board's ECAM where PciHostBridge.QEMU_VIRT says?");
            }
        }
    }

    /** The platform over this machine, for the driver. */
    public QemuPlatform platform() {
        return platform;
    }

    /** The attached drives, in configuration order. */
    public List<AttachedDrive> drives() {
        return drives;
    }

    /** The drives attached as virtio-blk-pci functions, in configuration order. */
    public List<AttachedPciDrive> pciDrives() {
        return pciDrives;
    }

    /** The {@code index}-th attached drive. */
    public AttachedDrive drive(int index) {
        return drives.get(index);
    }

    /** The configuration the machine was started with. */
    public QemuConfig config() {
        return config;
    }

    /** The first line of {@code qemu-system-aarch64 --version}, for trace metadata. */
    public String qemuVersion() {
        return process.version();
    }

    /**
     * QEMU's last stderr lines, one per line: what QEMU reported of its own accord, such as the reason
     * a virtio device set DEVICE_NEEDS_RESET.
     */
    public String recentStderr() {
        return process.recentStderr();
    }

    /** QEMU's full command line, program first, for trace metadata. */
    public List<String> commandLine() {
        return process.commandLine();
    }

    /** The QMP client, for {@code block_resize}, {@code qom-get} and the like. */
    public QmpClient qmp() {
        return qmp;
    }

    /** The qtest client under the platform, for tests that need raw protocol access. */
    public QtestClient qtest() {
        return qtest;
    }

    /** The QOM path of the GIC whose inputs are intercepted. */
    public String gicPath() {
        return gicPath;
    }

    /** The QEMU process, to check that it is gone or to end it by force in tests. */
    public ProcessHandle processHandle() {
        return process.handle();
    }

    /**
     * Asks QEMU to quit, ends it if it has not within two seconds, deletes its files and releases the
     * shared guest RAM. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            if (process.isAlive()) {
                qmp.quit();
            }
        } catch (QemuException e) {
            // QEMU is unresponsive or gone; it is ended below either way.
        } finally {
            qmp.close();
            try {
                process.close(QUIT_GRACE_MILLIS);
            } finally {
                sharedRam.ifPresent(SharedGuestRam::close);
            }
        }
    }
}
