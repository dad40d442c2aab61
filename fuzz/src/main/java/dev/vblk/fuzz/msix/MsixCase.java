package dev.vblk.fuzz.msix;

import dev.vblk.block.BlockDeviceException;
import dev.vblk.discovery.DeviceRegistry;
import dev.vblk.discovery.PciReport;
import dev.vblk.discovery.PciScanner;
import dev.vblk.fake.FakePlatform;
import dev.vblk.fake.blk.FakeBlkConfig;
import dev.vblk.fake.blk.RequestOutcome;
import dev.vblk.fake.disk.InMemoryDisk;
import dev.vblk.fake.pci.FakeVirtioBlkPciFunction;
import dev.vblk.fake.pci.MsixFault;
import dev.vblk.fake.violation.Violation;
import dev.vblk.fake.violation.ViolationKind;
import dev.vblk.fuzz.oracle.CallBudgetExceeded;
import dev.vblk.fuzz.oracle.CountingPlatform;
import dev.vblk.fuzz.oracle.Finding;
import dev.vblk.fuzz.oracle.Invariant;
import dev.vblk.fuzz.oracle.ScenarioRunner;
import dev.vblk.pci.MsiFrame;
import dev.vblk.pci.PciHostBridge;
import dev.vblk.virtio.blk.DriverOptions;
import dev.vblk.virtio.blk.VirtioBlkDevice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One MSI-X case: a fake virtio-blk-pci function with any set of {@link MsixFault}s, one to four
 * device queues and one to four driver queues, completions answered at once or after a delay, a
 * configuration change on the way, and up to four bytes of its MSI-X capability overwritten; the
 * driver scans the bus and writes and reads back a sector on every queue.
 *
 * <p>What is judged: the scan binds the function or reports it unusable with a one-line reason, and
 * only a broken capability makes it unusable ({@link Invariant#INIT_DECISION}); with the capability
 * intact the function is on MSI-X exactly when no vector is refused, with MSI-X Enable as the
 * transport says (INIT_DECISION); a call that succeeds moves the data exactly
 * ({@link Invariant#DATA_INTEGRITY}), one that fails fails with a {@link BlockDeviceException}
 * ({@link Invariant#ONLY_BLOCK_DEVICE_EXCEPTION}) and only when something is wrong with the function
 * ({@link Invariant#NO_SPURIOUS_FAILURE}); with the capability intact the driver breaks no rule of
 * the fake machine, and never writes an MSI-X table entry into a virtio structure
 * ({@link Invariant#REGISTERS_CONFINED}); no driver call runs away ({@link Invariant#BOUNDED}).
 *
 * @param faults the vector faults the function has
 * @param deviceQueues the queues the function offers
 * @param driverQueues the queues the driver may use
 * @param delayed whether completions come a millisecond late
 * @param configChange whether the capacity changes before the data calls
 * @param capabilityBytes bytes of configuration space overwritten, by offset
 */
public record MsixCase(Set<MsixFault> faults, int deviceQueues, int driverQueues, boolean delayed, boolean configChange,
        Map<Integer, Integer> capabilityBytes) {

    /** The offset of the fake function's MSI-X capability in its configuration space. */
    public static final int CAPABILITY = 0x98;
    /** The capability's bytes the cases may overwrite: ID, next, Message Control, table and pending bits. */
    public static final int CAPABILITY_BYTES = 12;

    private static final PciHostBridge HOST = PciHostBridge.QEMU_VIRT.withMsi(MsiFrame.QEMU_VIRT_V2M);
    private static final String WHERE = "PCI function 00:01.0";

    public MsixCase {
        faults = Set.copyOf(faults);
        capabilityBytes = Map.copyOf(capabilityBytes);
        if (deviceQueues < 1 || deviceQueues > 4 || driverQueues < 1 || driverQueues > 4) {
            throw new IllegalArgumentException("one to four queues on each side: " + deviceQueues + ", " + driverQueues);
        }
    }

    /** The case drawn from {@code seed}: any faults, half the cases with the capability intact. */
    public static MsixCase generate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Set<MsixFault> faults = EnumSet.noneOf(MsixFault.class);
        for (MsixFault fault : MsixFault.values()) {
            if (random.nextInt(3) == 0) {
                faults.add(fault);
            }
        }
        Map<Integer, Integer> bytes = new TreeMap<>();
        if (random.nextBoolean()) {
            int count = 1 + random.nextInt(4);
            for (int i = 0; i < count; i++) {
                bytes.put(CAPABILITY + random.nextInt(CAPABILITY_BYTES), random.nextInt(0x100));
            }
        }
        return new MsixCase(faults, 1 + random.nextInt(4), 1 + random.nextInt(4), random.nextBoolean(),
                random.nextBoolean(), bytes);
    }

    /** What a run found and how many platform calls the driver made. */
    public record Outcome(List<Finding> findings, long platformCalls) {
        public Outcome {
            findings = List.copyOf(findings);
        }
    }

    /** Runs the case on a fresh fake machine and judges it. */
    public Outcome run() {
        FakePlatform machine = FakePlatform.create();
        FakeVirtioBlkPciFunction function = machine.attachPciBlockDevice(1,
                FakeBlkConfig.builder().disk(InMemoryDisk.ofSectors(64)).numQueues(deviceQueues).build());
        if (delayed) {
            function.device().setRequestHook(request -> RequestOutcome.delayed(1_000_000, RequestOutcome.normal()));
        }
        faults.forEach(function::inject);
        capabilityBytes.forEach(function::overrideConfigByte);
        CountingPlatform counted = new CountingPlatform(machine, 0, Long.MAX_VALUE / 2, ScenarioRunner.DEFAULT_CALL_BUDGET);
        List<Finding> findings = new ArrayList<>();
        try {
            driveAndJudge(counted, function, findings);
        } catch (CallBudgetExceeded e) {
            findings.add(new Finding(Invariant.BOUNDED, WHERE, e.getMessage()));
        } catch (RuntimeException e) {
            findings.add(new Finding(Invariant.ONLY_BLOCK_DEVICE_EXCEPTION, WHERE, e.toString()));
        }
        List<Violation> violations = machine.violations();
        if (capabilityBytes.isEmpty() && !violations.isEmpty()) {
            findings.add(new Finding(Invariant.REGISTERS_CONFINED, WHERE, "the driver broke the machine's rules: " + violations));
        }
        if (violations.stream().anyMatch(v -> v.kind() == ViolationKind.BAD_REGISTER_WIDTH
                || v.kind() == ViolationKind.WRONG_REGISTER_DIRECTION)) {
            findings.add(new Finding(Invariant.REGISTERS_CONFINED, WHERE, "an MSI-X table entry written into a virtio structure: "
                    + violations));
        }
        return new Outcome(findings, counted.totalCalls());
    }

    private void driveAndJudge(CountingPlatform platform, FakeVirtioBlkPciFunction function, List<Finding> findings) {
        platform.beginCall();
        List<PciReport> reports = new PciScanner(platform, HOST, DriverOptions.DEFAULTS.withMaxQueues(driverQueues))
                .scan(new DeviceRegistry());
        if (reports.size() != 2) {
            findings.add(new Finding(Invariant.INIT_DECISION, WHERE, "the scan found " + reports.size()
                    + " functions, not the host bridge and the block function: " + reports));
            return;
        }
        if (reports.get(1) instanceof PciReport.Unusable unusable) {
            if (capabilityBytes.isEmpty()) {
                findings.add(new Finding(Invariant.INIT_DECISION, WHERE, "an intact function was found unusable: "
                        + unusable.reason()));
            }
            if (unusable.reason().indexOf('\n') >= 0 || unusable.reason().isBlank()) {
                findings.add(new Finding(Invariant.INIT_DECISION, WHERE, "the reason is not one line: " + unusable.reason()));
            }
            return;
        }
        if (!(reports.get(1) instanceof PciReport.BoundBlockDevice bound)) {
            findings.add(new Finding(Invariant.INIT_DECISION, WHERE, "neither bound nor unusable: " + reports.get(1)));
            return;
        }
        boolean refused = faults.contains(MsixFault.REFUSE_CONFIG_VECTOR) || faults.contains(MsixFault.REFUSE_QUEUE_VECTOR);
        if (capabilityBytes.isEmpty() && (bound.transport().usesMsix() == refused || function.msixEnabled() == refused)) {
            findings.add(new Finding(Invariant.INIT_DECISION, WHERE, "with vectors " + (refused ? "refused" : "accepted")
                    + " the transport says " + bound.transport().interruptDescription() + " and MSI-X Enable is "
                    + function.msixEnabled()));
        }
        VirtioBlkDevice device = bound.device();
        if (configChange) {
            function.device().resize(48);
        }
        for (int queue = 0; queue < device.queueCount(); queue++) {
            byte[] data = new byte[512];
            data[0] = (byte) (0x5a + queue);
            data[511] = (byte) (0xa5 - queue);
            platform.beginCall();
            try {
                device.queue(queue).writeAt(queue, data);
                byte[] back = new byte[512];
                platform.beginCall();
                device.queue(queue).readAt(queue, back);
                if (!Arrays.equals(data, back)) {
                    findings.add(new Finding(Invariant.DATA_INTEGRITY, WHERE + " queue " + queue,
                            "a read that succeeded returned other bytes than the write that succeeded before it"));
                }
            } catch (BlockDeviceException e) {
                if (e.getMessage().isBlank()) {
                    findings.add(new Finding(Invariant.ONLY_BLOCK_DEVICE_EXCEPTION, WHERE + " queue " + queue, "an error without a message"));
                }
                if (capabilityBytes.isEmpty() && faults.isEmpty()) {
                    findings.add(new Finding(Invariant.NO_SPURIOUS_FAILURE, WHERE + " queue " + queue,
                            "an intact function with good vectors failed a call: " + e.getMessage()));
                }
            }
        }
    }
}
