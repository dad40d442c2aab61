package dev.vblk.harness;

import dev.vblk.platform.Platform;
import dev.vblk.qemu.AttachedQemu;
import dev.vblk.qemu.QemuException;
import dev.vblk.trace.TraceMetadata;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A QEMU {@code virt} machine the user started with qtest and QMP on unix sockets, attached to and
 * left running when the run ends ({@link AttachedQemu}). Its drives are the user's: the trace lists no
 * disk images, and the command line in the metadata names them.
 *
 * <p>Platform metadata: {@code kind=qemu}, {@code qemu.version}, {@code qemu.command} (the command
 * line of the process serving the qtest socket, arguments separated by spaces; {@code unknown} if no
 * such process is visible), {@code qemu.ramBytes}, {@code qemu.attached} (the qtest socket) and, with
 * shared RAM, {@code qemu.sharedRam} (its file).
 */
public record AttachedTarget(AttachedQemu.Config config) implements Target {

    public AttachedTarget {
        Objects.requireNonNull(config, "config");
    }

    @Override
    public List<TraceMetadata.DiskImage> diskImages() {
        return List.of();
    }

    @Override
    public StartedTarget start() {
        AttachedQemu qemu;
        try {
            qemu = AttachedQemu.attach(config);
        } catch (QemuException e) {
            throw new HarnessException("cannot attach to QEMU: " + e.getMessage(), e);
        }
        return new Started(qemu);
    }

    private record Started(AttachedQemu qemu) implements StartedTarget {
        @Override
        public Platform platform() {
            return qemu.platform();
        }

        @Override
        public SortedMap<String, String> platformMetadata() {
            SortedMap<String, String> map = new TreeMap<>();
            map.put("kind", "qemu");
            map.put("qemu.version", qemu.qemuVersion());
            List<String> command = qemu.commandLine();
            map.put("qemu.command", command.isEmpty() ? "unknown" : String.join(" ", command));
            map.put("qemu.ramBytes", Long.toString(qemu.ramBytes()));
            map.put("qemu.attached", qemu.config().qtestSocket().toString());
            qemu.config().sharedRam().ifPresent(file -> map.put("qemu.sharedRam", file.toString()));
            return map;
        }

        @Override
        public void close() {
            qemu.close();
        }
    }
}
