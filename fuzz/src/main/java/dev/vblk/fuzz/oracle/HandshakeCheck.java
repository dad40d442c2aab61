package dev.vblk.fuzz.oracle;

import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.MmioRegister;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the register accesses of one successful initialisation against the order VirtIO 1.1
 * section 3.1.1 and the virtio-mmio queue setup (section 4.2.3.2) prescribe, for each queue the
 * driver sets up (QueueSel choosing it; queue 0 at least, more with VIRTIO_BLK_F_MQ).
 */
final class HandshakeCheck {

    private static final int[] STATUS_ORDER = {DeviceStatus.ACKNOWLEDGE, DeviceStatus.DRIVER, DeviceStatus.FEATURES_OK,
        DeviceStatus.DRIVER_OK};
    private static final List<MmioRegister> QUEUE_SETUP = List.of(MmioRegister.QUEUE_NUM, MmioRegister.QUEUE_DESC_LOW,
            MmioRegister.QUEUE_DESC_HIGH, MmioRegister.QUEUE_DRIVER_LOW, MmioRegister.QUEUE_DRIVER_HIGH,
            MmioRegister.QUEUE_DEVICE_LOW, MmioRegister.QUEUE_DEVICE_HIGH);
    /** {@link #QUEUE_SETUP} for membership tests, one bit each. */
    private static final Set<MmioRegister> QUEUE_SETUP_SET = EnumSet.copyOf(QUEUE_SETUP);

    private HandshakeCheck() {}

    /** What is out of order in {@code accesses}; empty when the handshake is right. */
    static List<String> problems(List<RegisterAccess> accesses) {
        List<String> problems = new ArrayList<>();
        int status = -1;
        int step = 0;
        long queueSelected = -1;
        // DriverFeatures pages 0 and 1 written: bits 0 and 1.
        int featurePagesWritten = 0;
        long featureSelect = -1;
        Map<Long, Set<MmioRegister>> queueWrites = new HashMap<>();
        // The set-up registers written to the selected queue: looked up at its first write after QueueSel.
        Set<MmioRegister> selectedWrites = null;
        for (int i = 0; i < accesses.size(); i++) {
            RegisterAccess access = accesses.get(i);
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
                if (STATUS_ORDER[step] == DeviceStatus.FEATURES_OK
                        && featurePagesWritten != 0b11) {
                    problems.add("FEATURES_OK set before both DriverFeatures pages were written");
                }
                if (STATUS_ORDER[step] == DeviceStatus.DRIVER_OK
                        && !queueWrites.getOrDefault(0L, Set.of()).contains(MmioRegister.QUEUE_READY)) {
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
                if (featureSelect == 0 || featureSelect == 1) {
                    featurePagesWritten |= 1 << featureSelect;
                }
            } else if (access.write() && register == MmioRegister.QUEUE_SEL) {
                queueSelected = access.value();
                selectedWrites = null;
            } else if (!access.write() && register == MmioRegister.QUEUE_NUM_MAX && queueSelected < 0) {
                problems.add("QueueNumMax read before QueueSel selected a queue");
            } else if (access.write() && (QUEUE_SETUP_SET.contains(register)
                    || register == MmioRegister.QUEUE_READY && access.value() == 1)) {
                if (selectedWrites == null) {
                    selectedWrites = queueWrites.computeIfAbsent(queueSelected, q -> EnumSet.noneOf(MmioRegister.class));
                }
                if (register != MmioRegister.QUEUE_READY) {
                    if (queueSelected < 0) {
                        problems.add(register.specName() + " written before QueueSel selected a queue");
                    }
                } else if (!selectedWrites.containsAll(QUEUE_SETUP_SET)) {
                    Set<MmioRegister> missing = new HashSet<>(QUEUE_SETUP);
                    missing.removeAll(selectedWrites);
                    problems.add("QueueReady of queue " + queueSelected + " set before " + missing + " were written");
                }
                selectedWrites.add(register);
            }
        }
        if (step != STATUS_ORDER.length) {
            problems.add("initialisation ended at status " + DeviceStatus.describe(status) + ", without DRIVER_OK");
        }
        return problems;
    }
}
