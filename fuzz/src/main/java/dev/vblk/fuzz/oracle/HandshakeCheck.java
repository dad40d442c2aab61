package dev.vblk.fuzz.oracle;

import dev.vblk.virtio.DeviceStatus;
import dev.vblk.virtio.MmioRegister;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks the register accesses of one successful initialisation against the order VirtIO 1.1
 * section 3.1.1 and the virtio-mmio queue setup (section 4.2.3.2) prescribe, for each queue the
 * driver sets up (QueueSel choosing it; queue 0 at least, more with VIRTIO_BLK_F_MQ).
 */
final class HandshakeCheck {

    private static final int[] STATUS_ORDER = {DeviceStatus.ACKNOWLEDGE, DeviceStatus.DRIVER, DeviceStatus.FEATURES_OK,
        DeviceStatus.DRIVER_OK};
    /** The registers a queue's set-up writes before QueueReady; register {@code i} is bit {@code i} of a queue's mask. */
    private static final List<MmioRegister> QUEUE_SETUP = List.of(MmioRegister.QUEUE_NUM, MmioRegister.QUEUE_DESC_LOW,
            MmioRegister.QUEUE_DESC_HIGH, MmioRegister.QUEUE_DRIVER_LOW, MmioRegister.QUEUE_DRIVER_HIGH,
            MmioRegister.QUEUE_DEVICE_LOW, MmioRegister.QUEUE_DEVICE_HIGH);
    private static final int ALL_SET_UP = (1 << QUEUE_SETUP.size()) - 1;
    /** The bit of a queue's mask that says QueueReady was set. */
    private static final int READY = 1 << QUEUE_SETUP.size();
    // Offsets compared as plain numbers: the check reads every access of every initialisation.
    private static final int[] QUEUE_SETUP_OFFSETS = QUEUE_SETUP.stream().mapToInt(MmioRegister::offset).toArray();
    private static final int STATUS = MmioRegister.STATUS.offset();
    private static final int DRIVER_FEATURES_SEL = MmioRegister.DRIVER_FEATURES_SEL.offset();
    private static final int DRIVER_FEATURES = MmioRegister.DRIVER_FEATURES.offset();
    private static final int QUEUE_SEL = MmioRegister.QUEUE_SEL.offset();
    private static final int QUEUE_NUM_MAX = MmioRegister.QUEUE_NUM_MAX.offset();
    private static final int QUEUE_READY = MmioRegister.QUEUE_READY.offset();

    private HandshakeCheck() {}

    /** What is out of order in {@code accesses}; empty when the handshake is right. */
    static List<String> problems(RegisterAccesses accesses) {
        List<String> problems = new ArrayList<>();
        int status = -1;
        int step = 0;
        long queueSelected = -1;
        // DriverFeatures pages 0 and 1 written: bits 0 and 1.
        int featurePagesWritten = 0;
        long featureSelect = -1;
        // The queues selected so far and the set-up registers written to each (a mask, see QUEUE_SETUP).
        long[] queues = new long[4];
        int[] written = new int[4];
        int queueCount = 0;
        // The index of the selected queue in those arrays: looked up at its first set-up write after QueueSel.
        int selected = -1;
        for (int i = 0; i < accesses.size(); i++) {
            int offset = accesses.offset(i);
            long accessValue = accesses.value(i);
            if (!accesses.write(i)) {
                if (offset == QUEUE_NUM_MAX && queueSelected < 0) {
                    problems.add("QueueNumMax read before QueueSel selected a queue");
                }
                continue;
            }
            if (offset == STATUS) {
                int value = (int) accessValue;
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
                if (STATUS_ORDER[step] == DeviceStatus.DRIVER_OK && !queueReady(0, queues, written, queueCount)) {
                    problems.add("DRIVER_OK set before queue 0 was made ready");
                }
                status = value;
                step++;
            } else if (offset == DRIVER_FEATURES_SEL) {
                featureSelect = accessValue;
            } else if (offset == DRIVER_FEATURES) {
                if (step != 2) {
                    problems.add("DriverFeatures written outside the DRIVER..FEATURES_OK window");
                }
                if (featureSelect == 0 || featureSelect == 1) {
                    featurePagesWritten |= 1 << featureSelect;
                }
            } else if (offset == QUEUE_SEL) {
                queueSelected = accessValue;
                selected = -1;
            } else {
                int bit = offset == QUEUE_READY && accessValue == 1 ? READY : setupBit(offset);
                if (bit == 0) {
                    continue;
                }
                if (selected < 0) {
                    selected = indexOf(queueSelected, queues, queueCount);
                    if (selected < 0) {
                        if (queueCount == queues.length) {
                            queues = Arrays.copyOf(queues, queueCount * 2);
                            written = Arrays.copyOf(written, queueCount * 2);
                        }
                        queues[queueCount] = queueSelected;
                        selected = queueCount++;
                    }
                }
                if (bit != READY) {
                    if (queueSelected < 0) {
                        problems.add(MmioRegister.at(offset).orElseThrow().specName() + " written before QueueSel selected a queue");
                    }
                } else if ((written[selected] & ALL_SET_UP) != ALL_SET_UP) {
                    problems.add("QueueReady of queue " + queueSelected + " set before " + missing(written[selected]) + " were written");
                }
                written[selected] |= bit;
            }
        }
        if (step != STATUS_ORDER.length) {
            problems.add("initialisation ended at status " + DeviceStatus.describe(status) + ", without DRIVER_OK");
        }
        return problems;
    }

    /** The bit of {@code offset} in a queue's mask if it is a set-up register, else 0. */
    private static int setupBit(int offset) {
        for (int i = 0; i < QUEUE_SETUP_OFFSETS.length; i++) {
            if (QUEUE_SETUP_OFFSETS[i] == offset) {
                return 1 << i;
            }
        }
        return 0;
    }

    private static int indexOf(long queue, long[] queues, int queueCount) {
        for (int i = 0; i < queueCount; i++) {
            if (queues[i] == queue) {
                return i;
            }
        }
        return -1;
    }

    private static boolean queueReady(long queue, long[] queues, int[] written, int queueCount) {
        int index = indexOf(queue, queues, queueCount);
        return index >= 0 && (written[index] & READY) != 0;
    }

    /** The set-up registers a mask lacks, in set-up order. */
    private static List<MmioRegister> missing(int mask) {
        List<MmioRegister> missing = new ArrayList<>();
        for (int i = 0; i < QUEUE_SETUP.size(); i++) {
            if ((mask & 1 << i) == 0) {
                missing.add(QUEUE_SETUP.get(i));
            }
        }
        return missing;
    }
}
