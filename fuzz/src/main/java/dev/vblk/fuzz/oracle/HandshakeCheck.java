package dev.vblk.fuzz.oracle;

import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.MmioRegister;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks the register accesses of one successful initialisation against the order VirtIO 1.1
 * section 3.1.1 and the virtio-mmio queue setup (section 4.2.3.2) prescribe.
 */
final class HandshakeCheck {

    private static final int[] STATUS_ORDER = {DeviceStatus.ACKNOWLEDGE, DeviceStatus.DRIVER, DeviceStatus.FEATURES_OK,
        DeviceStatus.DRIVER_OK};
    private static final List<MmioRegister> QUEUE_SETUP = List.of(MmioRegister.QUEUE_NUM, MmioRegister.QUEUE_DESC_LOW,
            MmioRegister.QUEUE_DESC_HIGH, MmioRegister.QUEUE_DRIVER_LOW, MmioRegister.QUEUE_DRIVER_HIGH,
            MmioRegister.QUEUE_DEVICE_LOW, MmioRegister.QUEUE_DEVICE_HIGH);

    private HandshakeCheck() {}

    /** What is out of order in {@code accesses}; empty when the handshake is right. */
    static List<String> problems(List<RegisterAccess> accesses) {
        List<String> problems = new ArrayList<>();
        int status = -1;
        int step = 0;
        boolean queueSelected = false;
        Set<Integer> featurePagesWritten = new HashSet<>();
        long featureSelect = -1;
        Set<MmioRegister> queueWrites = new HashSet<>();
        for (RegisterAccess access : accesses) {
            MmioRegister register = MmioRegister.at(access.offset()).orElse(null);
            if (register == null) {
                continue;
            }
            if (access.write() && register == MmioRegister.STATUS) {
                int value = (int) access.value();
                if (value == 0) {
                    status = 0;
                    step = 0;
                    continue;
                }
                if (status < 0) {
                    problems.add("Status written before the device was reset");
                    return problems;
                }
                int added = value & ~status;
                if ((status & ~value) != 0) {
                    problems.add(String.format("Status write 0x%x clears bits of 0x%x", value, status));
                }
                if (added == DeviceStatus.FAILED) {
                    status = value;
                    continue;
                }
                if (step >= STATUS_ORDER.length || added != STATUS_ORDER[step]) {
                    problems.add("Status write adds " + DeviceStatus.describe(added) + " where "
                            + (step < STATUS_ORDER.length ? DeviceStatus.describe(STATUS_ORDER[step]) : "nothing") + " comes next");
                    return problems;
                }
                if (STATUS_ORDER[step] == DeviceStatus.FEATURES_OK && !featurePagesWritten.containsAll(Set.of(0L, 1L).stream()
                        .map(Long::intValue).toList())) {
                    problems.add("FEATURES_OK set before both DriverFeatures pages were written");
                }
                if (STATUS_ORDER[step] == DeviceStatus.DRIVER_OK && !queueWrites.contains(MmioRegister.QUEUE_READY)) {
                    problems.add("DRIVER_OK set before queue 0 was made ready");
                }
                status = value;
                step++;
            } else if (access.write() && register == MmioRegister.DRIVER_FEATURES_SEL) {
                featureSelect = access.value();
            } else if (access.write() && register == MmioRegister.DRIVER_FEATURES) {
                if (step != 2) {
                    problems.add("DriverFeatures written outside the DRIVER..FEATURES_OK window");
                }
                featurePagesWritten.add((int) featureSelect);
            } else if (access.write() && register == MmioRegister.QUEUE_SEL) {
                queueSelected = access.value() == 0;
            } else if (!access.write() && register == MmioRegister.QUEUE_NUM_MAX && !queueSelected) {
                problems.add("QueueNumMax read before QueueSel selected queue 0");
            } else if (access.write() && QUEUE_SETUP.contains(register)) {
                if (!queueSelected) {
                    problems.add(register.specName() + " written before QueueSel selected queue 0");
                }
                queueWrites.add(register);
            } else if (access.write() && register == MmioRegister.QUEUE_READY && access.value() == 1) {
                if (!queueWrites.containsAll(QUEUE_SETUP)) {
                    Set<MmioRegister> missing = new HashSet<>(QUEUE_SETUP);
                    missing.removeAll(queueWrites);
                    problems.add("QueueReady set before " + missing + " were written");
                }
                queueWrites.add(MmioRegister.QUEUE_READY);
            }
        }
        if (step != STATUS_ORDER.length) {
            problems.add("initialisation ended at status " + DeviceStatus.describe(status) + ", without DRIVER_OK");
        }
        return problems;
    }
}
