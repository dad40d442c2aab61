package dev.vblk.fuzz.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vblk.virtio.MmioRegister;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The handshake check accepts the order of section 3.1.1 and names each way of breaking it. */
class HandshakeCheckTest {

    /** One access as a test writes it: turned into {@link RegisterAccesses} for the check. */
    private record RegisterAccess(int offset, boolean write, long value) {}

    private static List<String> problems(List<RegisterAccess> list) {
        RegisterAccesses accesses = new RegisterAccesses();
        for (RegisterAccess access : list) {
            accesses.add(access.offset(), access.write(), access.value());
        }
        return HandshakeCheck.problems(accesses);
    }

    private static RegisterAccess write(MmioRegister register, long value) {
        return new RegisterAccess(register.offset(), true, value);
    }

    private static List<RegisterAccess> correct() {
        List<RegisterAccess> a = new ArrayList<>();
        a.add(write(MmioRegister.STATUS, 0));
        a.add(write(MmioRegister.STATUS, 1));
        a.add(write(MmioRegister.STATUS, 3));
        a.add(write(MmioRegister.DRIVER_FEATURES_SEL, 0));
        a.add(write(MmioRegister.DRIVER_FEATURES, 0x6e54));
        a.add(write(MmioRegister.DRIVER_FEATURES_SEL, 1));
        a.add(write(MmioRegister.DRIVER_FEATURES, 1));
        a.add(write(MmioRegister.STATUS, 11));
        a.add(write(MmioRegister.QUEUE_SEL, 0));
        a.add(new RegisterAccess(MmioRegister.QUEUE_NUM_MAX.offset(), false, 256));
        for (MmioRegister r : List.of(MmioRegister.QUEUE_NUM, MmioRegister.QUEUE_DESC_LOW, MmioRegister.QUEUE_DESC_HIGH,
                MmioRegister.QUEUE_DRIVER_LOW, MmioRegister.QUEUE_DRIVER_HIGH, MmioRegister.QUEUE_DEVICE_LOW,
                MmioRegister.QUEUE_DEVICE_HIGH)) {
            a.add(write(r, 0));
        }
        a.add(write(MmioRegister.QUEUE_READY, 1));
        a.add(write(MmioRegister.STATUS, 15));
        return a;
    }

    @Test
    void acceptsTheSpecifiedOrder() {
        assertEquals(List.of(), problems(correct()));
    }

    @Test
    void namesASkippedStatusBit() {
        List<RegisterAccess> a = correct();
        a.remove(1);
        assertTrue(problems(a).get(0).contains("adds ACKNOWLEDGE|DRIVER where ACKNOWLEDGE comes next"),
                problems(a).toString());
    }

    @Test
    void namesAMissingFeaturePageAndQueueRegister() {
        List<RegisterAccess> a = correct();
        a.remove(6);
        a.remove(5);
        a.removeIf(x -> x.offset() == MmioRegister.QUEUE_DESC_HIGH.offset());
        List<String> problems = problems(a);
        assertTrue(problems.stream().anyMatch(p -> p.contains("both DriverFeatures pages")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("QUEUE_DESC_HIGH")), problems.toString());
    }

    @Test
    void judgesEachQueueByItsOwnWrites() {
        List<RegisterAccess> a = correct();
        int ready = a.indexOf(write(MmioRegister.QUEUE_READY, 1));
        a.addAll(ready + 1, List.of(write(MmioRegister.QUEUE_SEL, 1), write(MmioRegister.QUEUE_NUM, 0),
                write(MmioRegister.QUEUE_READY, 1), write(MmioRegister.QUEUE_SEL, 0), write(MmioRegister.QUEUE_READY, 1)));
        List<String> problems = problems(a);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("QueueReady of queue 1 set before"), problems.toString());
        assertTrue(problems.get(0).contains("QUEUE_DESC_LOW") && !problems.get(0).contains("QUEUE_NUM,"), problems.toString());
    }

    @Test
    void namesAnUnfinishedHandshake() {
        List<RegisterAccess> a = correct();
        a.remove(a.size() - 1);
        assertTrue(problems(a).get(0).contains("without DRIVER_OK"), problems(a).toString());
    }
}
