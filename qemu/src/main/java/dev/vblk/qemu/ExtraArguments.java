package dev.vblk.qemu;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The QEMU arguments a user may add to the machine vblk starts, and why the others are refused: vblk
 * owns the machine type, the accelerator, guest RAM and its memory backend, the stopped vCPU, and the
 * qtest and QMP channels on standard input and output, and everything else relies on them.
 */
public final class ExtraArguments {

    private static final String OWNS_CHANNELS = "vblk drives QEMU over its own qtest and QMP channels";
    private static final String OWNS_MACHINE = "vblk needs the virt board as it sets it up (-M virt, TCG, guest RAM "
            + "in its shared memory backend)";

    private static final Map<String, String> REFUSED = Map.ofEntries(
            Map.entry("-S", "vblk already starts QEMU with the vCPU stopped"),
            Map.entry("-qtest", OWNS_CHANNELS),
            Map.entry("-qtest-log", OWNS_CHANNELS),
            Map.entry("-qmp", OWNS_CHANNELS),
            Map.entry("-qmp-pretty", OWNS_CHANNELS),
            Map.entry("-M", OWNS_MACHINE),
            Map.entry("-machine", OWNS_MACHINE),
            Map.entry("-accel", OWNS_MACHINE),
            Map.entry("-enable-kvm", OWNS_MACHINE),
            Map.entry("-m", OWNS_MACHINE),
            Map.entry("-numa", OWNS_MACHINE),
            Map.entry("-mem-path", OWNS_MACHINE),
            Map.entry("-daemonize", "vblk must own the QEMU process to end it"),
            Map.entry("-incoming", "the machine must start fresh, as the trace records it"),
            Map.entry("-loadvm", "the machine must start fresh, as the trace records it"),
            Map.entry("-kernel", "no guest code may run beside the driver"),
            Map.entry("-bios", "no guest code may run beside the driver"));

    private static final List<String> STDIO_OPTIONS = List.of("-serial", "-monitor", "-chardev", "-mon", "-parallel",
            "-debugcon");

    private ExtraArguments() {}

    /**
     * Why vblk cannot start QEMU with {@code arguments} added, or empty when it can.
     *
     * @return one line naming the first refused argument and the reason
     */
    public static Optional<String> problem(List<String> arguments) {
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            String option = argument.startsWith("--") ? argument.substring(1) : argument;
            String value = i + 1 < arguments.size() ? arguments.get(i + 1) : "";
            String reason = REFUSED.get(option);
            if (reason != null) {
                return Optional.of("QEMU option " + argument + " cannot be used: " + reason);
            }
            if (option.equals("-object") && value.startsWith("memory-backend-")) {
                reason = OWNS_MACHINE;
            } else if (option.equals("-global") && value.toLowerCase(Locale.ROOT).startsWith("virtio-mmio.force-legacy")) {
                reason = "vblk drives the modern (version 2) virtio-mmio transport";
            } else if (STDIO_OPTIONS.contains(option) && isStdio(value)) {
                reason = "qtest owns QEMU's standard input and output";
            }
            if (reason != null) {
                return Optional.of("QEMU option " + argument + " " + value + " cannot be used: " + reason);
            }
        }
        return Optional.empty();
    }

    private static boolean isStdio(String value) {
        return value.equals("stdio") || value.startsWith("stdio,") || value.equals("mon:stdio");
    }
}
